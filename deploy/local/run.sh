#!/usr/bin/env bash
# `make run`: the ledger and the documents service on the embedded default
# (SQLite files under ./var, no Kafka: documents follow the ledger's HTTP feed).
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=.venv/bin
mkdir -p var

# The token key is a secret: generated once per checkout, kept out of git under var/.
# Both services read it: the ledger signs and checks tokens with it, the documents service checks them.
if [ -z "${THIDUA_TOKEN_KEY:-}" ]; then
    [ -f var/token.key ] || (umask 077 && head -c 32 /dev/urandom | base64 >var/token.key)
    THIDUA_TOKEN_KEY=$(cat var/token.key)
fi
export THIDUA_TOKEN_KEY
export LEDGER_PORT=${LEDGER_PORT:-8000} DOCUMENTS_PORT=${DOCUMENTS_PORT:-8001}
export DOCUMENTS_LEDGER_URL=${DOCUMENTS_LEDGER_URL:-http://127.0.0.1:$LEDGER_PORT}

# First start: record the articles' scenario (a later start finds it and records nothing).
LEDGER_SQLITE_PATH=${LEDGER_SQLITE_PATH:-var/ledger.sqlite} $bin/ledger load-demo

# The documents service follows the ledger's feed with a subscriber's token.
export DOCUMENTS_LEDGER_TOKEN=${DOCUMENTS_LEDGER_TOKEN:-$($bin/ledger token --actor "Dịch vụ văn bản" --role subscriber --days 366)}

pids=()
stop() {
    trap - INT TERM EXIT
    echo
    echo "stopping..."
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

$bin/ledger serve --port "$LEDGER_PORT" & pids+=($!)
$bin/documents serve --port "$DOCUMENTS_PORT" & pids+=($!)

wait_for() {
    for _ in $(seq 1 100); do
        curl -fsS "$1" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "no answer from $1" >&2
    return 1
}
wait_for "http://127.0.0.1:$LEDGER_PORT/health"
wait_for "http://127.0.0.1:$DOCUMENTS_PORT/health"

# The demo's issuing bodies and legal instruments, once; then each demo document issued if
# nothing it needs is missing, else listed with what the clerk still has to give.
echo "demo documents:"
$bin/ledger demo-documents --ledger-url "http://127.0.0.1:$LEDGER_PORT" \
    --documents-url "http://127.0.0.1:$DOCUMENTS_PORT" || echo "  (demo documents not set up)" >&2

token() { $bin/ledger token --actor "$1" --role "$2" --days 7; }
cat <<MSG

  thidua is running (SQLite under ./var). Ctrl-C stops both services.
    ledger     http://127.0.0.1:$LEDGER_PORT    (API docs: /docs)
    documents  http://127.0.0.1:$DOCUMENTS_PORT    (API docs: /docs)

  Demo tokens (7 days, good on both services; send as "Authorization: Bearer <token>").
  Clerks issue documents, auditors read and draft them; subscribers only read the ledger's feed.
    clerk       $(token "Thư ký Cụm thi đua" clerk)
    auditor     $(token "Thanh tra viên" auditor)
    subscriber  $(token "Dịch vụ hồ sơ cán bộ" subscriber)

MSG
wait -n "${pids[@]}"
