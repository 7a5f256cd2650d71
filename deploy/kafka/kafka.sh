#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft) from Kafka's own jars -- no Docker.
#
#   deploy/kafka/kafka.sh up|down|status|logs [-f]
#
# Environment (defaults in brackets):
#   KAFKA_PORT             PLAINTEXT listener on 127.0.0.1        [9092]
#   KAFKA_CONTROLLER_PORT  KRaft controller listener on 127.0.0.1  [9093]
#   KAFKA_HOME_DIR         run dir: config, pid, logs, data        [<repo>/var/kafka]
#   KAFKA_JARS_DIR         broker runtime jars (cached)            [<repo>/.cache/kafka-jars]
#   KAFKA_HEAP             JVM heap (-Xms = -Xmx)                  [512m]
#   KAFKA_START_TIMEOUT    seconds to wait for the broker in `up`  [120]
#   JAVA_HOME              optional; else `java` from PATH (17+)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO/var/kafka}"
KAFKA_JARS_DIR="${KAFKA_JARS_DIR:-$REPO/.cache/kafka-jars}"
KAFKA_HEAP="${KAFKA_HEAP:-512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"

PROPS="$KAFKA_HOME_DIR/server.properties"
PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
LOG_FILE="$KAFKA_HOME_DIR/server.log"   # written by log4j2 (see log4j2.yaml)
OUT_FILE="$KAFKA_HOME_DIR/kafka.out"    # JVM stdout/stderr (crashes, GC errors)
CLUSTER_ID_FILE="$KAFKA_HOME_DIR/cluster.id"
DATA_DIR="$KAFKA_HOME_DIR/data"
STAMP="$KAFKA_JARS_DIR/.pom.sha256"

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

log() { echo "kafka.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Log4j must not fall back to its default config (ERROR to console only).
java_common=(-Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$HERE/log4j2.yaml"
  "-Dkafka.logs.dir=$KAFKA_HOME_DIR"
  -cp "$KAFKA_JARS_DIR/*")

port_open() { (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Pid of our broker if it is alive (the cmdline check guards against pid reuse).
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

# Resolve the broker's runtime closure with Maven, only when the jars dir is
# empty or pom.xml changed since the last fetch (sha256 stamp).
fetch_jars() {
  local sum tmp
  sum="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
  if compgen -G "$KAFKA_JARS_DIR/*.jar" > /dev/null && [[ "$(cat "$STAMP" 2>/dev/null)" == "$sum" ]]; then
    return 0
  fi
  command -v mvn > /dev/null || die "mvn not found (needed once to fetch the Kafka jars)"
  log "fetching Kafka jars with Maven into $KAFKA_JARS_DIR ..."
  mkdir -p "$(dirname "$KAFKA_JARS_DIR")"
  # Copy into a temp dir and swap, so a failed download never leaves a
  # half-filled jars dir that would later pass the "not empty" check.
  tmp="$(mktemp -d "$KAFKA_JARS_DIR.tmp.XXXXXX")" && chmod 755 "$tmp"
  # Plugin version pinned: Maven 3.8's default maven-dependency-plugin is old.
  # Output captured: Maven 3.8 prints stray ANSI codes even with -q -B.
  if ! mvn -q -B -f "$HERE/pom.xml" \
      org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
      -DincludeScope=runtime "-DoutputDirectory=$tmp" > "$tmp.log" 2>&1; then
    cat "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "Maven failed to fetch the Kafka jars"
  fi
  rm -f "$tmp.log"
  echo "$sum" > "$tmp/.pom.sha256"
  rm -rf "$KAFKA_JARS_DIR"
  mv "$tmp" "$KAFKA_JARS_DIR"
}

write_props() {
  mkdir -p "$DATA_DIR"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
      -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@KAFKA_DATA_DIR@|$DATA_DIR|g" \
      "$HERE/server.properties" > "$PROPS"
}

format_storage() {
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    "$JAVA" "${java_common[@]}" -Dkafka.log.file=storage-tool.log \
      kafka.tools.StorageTool random-uuid > "$CLUSTER_ID_FILE.tmp"
    mv "$CLUSTER_ID_FILE.tmp" "$CLUSTER_ID_FILE"
  fi
  # Already formatted: skip the extra JVM start (~1 s).
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  # --standalone: this node is the single voter of the dynamic KRaft quorum.
  # -g (--ignore-formatted): no error if $DATA_DIR was formatted meanwhile.
  "$JAVA" "${java_common[@]}" -Dkafka.log.file=storage-tool.log \
    kafka.tools.StorageTool format --standalone -g \
    -t "$(cat "$CLUSTER_ID_FILE")" -c "$PROPS" > "$KAFKA_HOME_DIR/storage-tool.out" 2>&1 \
    || { cat "$KAFKA_HOME_DIR/storage-tool.out" >&2; die "kafka-storage format failed"; }
}

fail_start() {
  log "ERROR: $*"
  log "--- tail of $LOG_FILE ---"
  tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
  if [[ -s "$OUT_FILE" ]]; then
    log "--- tail of $OUT_FILE ---"
    tail -n 20 "$OUT_FILE" >&2
  fi
  exit 1
}

# Ready = port accepts connections AND the broker logged that it finished
# starting (the port opens a bit before the broker can serve metadata).
ready() { port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null; }

cmd_up() {
  local t0 pid deadline
  t0=$(date +%s.%N)
  if pid="$(running_pid)"; then
    if ready; then
      log "already running (pid $pid, 127.0.0.1:$KAFKA_PORT)"
      return 0
    fi
    log "pid $pid is still starting, waiting for it"
  else
    rm -f "$PID_FILE"
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
      port_open "$p" && die "127.0.0.1:$p is already in use by another process"
    done
    fetch_jars
    write_props
    format_storage
    # One log file per run: ready() greps it.
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
    nohup "$JAVA" "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      "${java_common[@]}" kafka.Kafka "$PROPS" > "$OUT_FILE" 2>&1 < /dev/null 9>&- &
    pid=$!
    echo "$pid" > "$PID_FILE"
  fi

  deadline=$(( $(date +%s) + KAFKA_START_TIMEOUT ))
  until ready; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; fail_start "broker process exited during start-up"; }
    (( $(date +%s) < deadline )) || fail_start "broker not ready after ${KAFKA_START_TIMEOUT}s (pid $pid left running; stop it with: $0 down)"
    sleep 0.2
  done
  log "up: pid $pid, 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT), ready after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
}

cmd_down() {
  local pid i
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do          # 30 s for a clean shutdown
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still alive after 30s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if ready; then
      echo "running: pid $pid, 127.0.0.1:$KAFKA_PORT"
      return 0
    fi
    echo "starting: pid $pid"
  else
    echo "not running"
  fi
  return 3
}

cmd_logs() {
  [[ -f "$LOG_FILE" ]] || die "no log file at $LOG_FILE"
  if [[ "${1:-}" == "-f" ]]; then exec tail -n 50 -F "$LOG_FILE"; fi
  tail -n 100 "$LOG_FILE"
}

# Serialise concurrent up/down calls on the same run dir.
lock() { mkdir -p "$KAFKA_HOME_DIR"; exec 9> "$KAFKA_HOME_DIR/.lock"; flock 9; }

case "${1:-}" in
  up) lock; cmd_up ;;
  down) lock; cmd_down ;;
  status) cmd_status ;;
  logs) shift; cmd_logs "$@" ;;
  *) echo "usage: $0 up|down|status|logs [-f]" >&2; exit 2 ;;
esac
