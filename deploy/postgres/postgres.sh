#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and local runs, from Debian's packages.
#   postgres.sh up|down|status|path
# `up` installs the server if missing, creates the cluster once, starts it on
# 127.0.0.1:$POSTGRES_PORT, creates the role and database, and writes their connection
# settings to $PG_HOME_DIR/postgres.env (the password is generated here, never committed).
#
# Where the cluster lives ($PG_CLUSTER_DIR, printed by `path`): the server refuses to run
# as root, so as root it runs as Debian's postgres account, which cannot enter a clone
# under a private folder (root's home is mode 700). So as root the cluster lives in the
# postgres account's own home, one per clone (keyed by the clone's path); otherwise, and
# for a cluster an earlier version of this script made inside the clone, in the clone.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
home=${PG_HOME_DIR:-$repo/var/postgres}
port=${POSTGRES_PORT:-5433}
role=${POSTGRES_USER:-thidua}
dbname=${POSTGRES_DBNAME:-thidua}
envfile=$home/postgres.env

cluster_dir() {
    if [ -n "${PG_CLUSTER_DIR:-}" ]; then echo "$PG_CLUSTER_DIR"; return; fi
    if [ "$(id -u)" != 0 ] || [ -f "$home/data/PG_VERSION" ]; then echo "$home"; return; fi
    local owner_home key
    owner_home=$(getent passwd postgres | cut -d: -f6)
    [ -n "$owner_home" ] || owner_home=/var/lib/postgresql
    key=$(printf '%s' "$repo" | sha256sum | cut -c1-16)
    echo "$owner_home/thidua/$(basename "$repo")-$key"
}
cluster=$(cluster_dir)
data=$cluster/data
sock=$cluster/run

as_owner() {
    # The server refuses to run as root; use Debian's postgres account then.
    # From /: the caller's folder (a private clone) may be one the postgres account cannot enter.
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && echo "$dir"
}

install_server() {
    [ -n "$(pg_bin)" ] && return 0
    echo "postgres: installing the server from Debian's packages..."
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
}

is_running() {
    local bin
    bin=$(pg_bin) || return 1
    [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

up() {
    local started=$SECONDS bin
    install_server
    bin=$(pg_bin)
    mkdir -p "$home"
    if [ "$(id -u)" = 0 ]; then
        # Created by the postgres account itself (install_server made it), so every directory on
        # the way is one it can enter; never chown a path inside the clone.
        [ "$cluster" = "$home" ] && chown postgres:postgres "$home"
        as_owner mkdir -p "$sock" || {
            echo "postgres: the postgres account cannot create $sock; set PG_CLUSTER_DIR to a folder it can reach" >&2
            exit 1
        }
    else
        mkdir -p "$sock"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        rm -f "$envfile"  # a new cluster gets a new role password
        as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if is_running; then
        echo "postgres: already running on 127.0.0.1:$port"
    else
        as_owner "$bin/pg_ctl" -D "$data" -l "$cluster/postgres.log" -w -t 60 start \
            -o "-h 127.0.0.1 -p $port -k $sock -c fsync=off -c max_connections=200" >/dev/null
    fi
    if [ ! -f "$envfile" ]; then
        local password
        password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
        as_owner "$bin/psql" -h "$sock" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN CREATEDB;
  END IF;
END \$\$;
ALTER ROLE $role PASSWORD '$password';
SQL
        if ! as_owner "$bin/psql" -h "$sock" -p "$port" -U postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1; then
            as_owner "$bin/createdb" -h "$sock" -p "$port" -U postgres -O "$role" "$dbname"
        fi
        umask 077
        cat >"$envfile" <<ENV
POSTGRES_HOST=127.0.0.1
POSTGRES_PORT=$port
POSTGRES_USER=$role
POSTGRES_PASSWORD=$password
POSTGRES_DBNAME=$dbname
ENV
    fi
    echo "postgres: ready on 127.0.0.1:$port in $((SECONDS - started)) s (cluster in $cluster, settings in $envfile)"
}

down() {
    local bin
    bin=$(pg_bin) || { echo "postgres: not installed"; return 0; }
    if is_running; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        echo "postgres: stopped"
    else
        echo "postgres: not running"
    fi
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) if is_running; then echo "postgres: running"; else echo "postgres: stopped"; exit 1; fi ;;
    path) echo "$cluster" ;;
    *) echo "usage: $0 up|down|status|path" >&2; exit 2 ;;
esac
