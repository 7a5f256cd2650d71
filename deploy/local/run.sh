#!/usr/bin/env bash
# `make run`: the ledger, the documents service and the web workplace on the embedded default
# (SQLite files under ./var, no Kafka: documents follow the ledger's HTTP feed).
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=.venv/bin
mkdir -p var

# The ledger's signing key is a secret: an Ed25519 key made once per checkout, mode 0600,
# kept out of git under var/ and never printed. Only the ledger reads it; the documents
# service gets the public keys (the ledger's JWKS) and so cannot mint a token.
export THIDUA_SIGNING_KEY_FILE=${THIDUA_SIGNING_KEY_FILE:-var/signing.key}
[ -f "$THIDUA_SIGNING_KEY_FILE" ] || $bin/ledger keys new "$THIDUA_SIGNING_KEY_FILE" >/dev/null
# The ledger seals its snapshots with this key (a forged snapshot is refused on read): made once
# per checkout like the signing key, mode 0600, never printed, given to the ledger alone.
snapshot_key_file=var/snapshot.key
[ -f "$snapshot_key_file" ] || (umask 077 && $bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' \
    >"$snapshot_key_file")
LEDGER_SNAPSHOT_KEY=${LEDGER_SNAPSHOT_KEY:-$(<"$snapshot_key_file")}
# Auditors download digests of the chain head signed with this Ed25519 key (made once per
# checkout, mode 0600, given to the ledger alone); checking an old digest needs its public half only.
export LEDGER_DIGEST_SIGNING_KEY_FILE=${LEDGER_DIGEST_SIGNING_KEY_FILE:-var/digest.key}
[ -f "$LEDGER_DIGEST_SIGNING_KEY_FILE" ] || $bin/ledger keys new "$LEDGER_DIGEST_SIGNING_KEY_FILE" >/dev/null
export LEDGER_PORT=${LEDGER_PORT:-8000} DOCUMENTS_PORT=${DOCUMENTS_PORT:-8001} WEB_PORT=${WEB_PORT:-8002}
# The web workplace signs people in through the ledger from 127.0.0.1: the ledger counts failed
# sign-ins under the browser's address it forwards (X-Forwarded-For), from there only.
export LEDGER_TRUSTED_PROXIES=${LEDGER_TRUSTED_PROXIES:-127.0.0.1}
# The web workplace's session cookies are encrypted and signed with this key: made once per
# checkout, mode 0600, never printed, given to the web service alone.
web_session_key_file=var/web-session.key
[ -f "$web_session_key_file" ] || (umask 077 && $bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' \
    >"$web_session_key_file")
export DOCUMENTS_LEDGER_URL=${DOCUMENTS_LEDGER_URL:-http://127.0.0.1:$LEDGER_PORT}
# What the documents service verifies with (read when first needed, again on a new kid).
jwks=${DOCUMENTS_TOKEN_JWKS:-$DOCUMENTS_LEDGER_URL/.well-known/jwks.json}

# First start: record the articles' scenario (a later start finds it and records nothing),
# and let the demo clerk write within its authorities. Accounts for a clerk, an auditor and an
# admin sign in at POST /auth/token; their generated passwords stay in var/demo-accounts (0600).
CLERK="Thư ký Cụm thi đua"
accounts=$(LEDGER_SNAPSHOT_KEY=$LEDGER_SNAPSHOT_KEY LEDGER_SQLITE_PATH=${LEDGER_SQLITE_PATH:-var/ledger.sqlite} \
    $bin/ledger load-demo --clerk "$CLERK" --accounts var/demo-accounts)
grep -v '^demo account' <<<"$accounts" || true

# Signed PDFs: a test certificate authority and a test key (with test images of a seal and a
# signature) for every issuing body of the demo, under var/document-keys. A real deployment
# sets DOCUMENTS_BODY_KEYS_DIR and DOCUMENTS_TRUST_ROOT to its own authority's keys and root.
if [ -z "${DOCUMENTS_BODY_KEYS_DIR:-}" ]; then
    $bin/python deploy/local/demo_keys.py var/document-keys
    export DOCUMENTS_BODY_KEYS_DIR=var/document-keys DOCUMENTS_TRUST_ROOT=var/document-keys/ca.pem
fi

# The documents service follows the ledger's feed with a subscriber's token, read from a file
# on every poll. A service's token lasts a week at most: rotate it by rewriting the file
# (.venv/bin/ledger token --actor "Dịch vụ văn bản" --role subscriber >var/documents-feed.token).
if [ -z "${DOCUMENTS_LEDGER_TOKEN:-}" ]; then
    (umask 077 && $bin/ledger token --actor "Dịch vụ văn bản" --role subscriber >var/documents-feed.token)
    export DOCUMENTS_LEDGER_TOKEN_FILE=${DOCUMENTS_LEDGER_TOKEN_FILE:-var/documents-feed.token}
fi

pids=()
stop() {
    trap - INT TERM EXIT
    echo
    echo "stopping..."
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

LEDGER_SNAPSHOT_KEY=$LEDGER_SNAPSHOT_KEY $bin/ledger serve --port "$LEDGER_PORT" & pids+=($!)
env -u THIDUA_SIGNING_KEY_FILE -u LEDGER_DIGEST_SIGNING_KEY_FILE THIDUA_TOKEN_JWKS="$jwks" $bin/documents serve --port "$DOCUMENTS_PORT" & pids+=($!)
env -u THIDUA_SIGNING_KEY_FILE -u LEDGER_DIGEST_SIGNING_KEY_FILE WEB_LEDGER_URL="http://127.0.0.1:$LEDGER_PORT" \
    WEB_DOCUMENTS_URL="http://127.0.0.1:$DOCUMENTS_PORT" WEB_SESSION_KEY_FILE="$web_session_key_file" \
    $bin/web serve --port "$WEB_PORT" & pids+=($!)

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
wait_for "http://127.0.0.1:$WEB_PORT/sign-in"

# The demo's issuing bodies and legal instruments, once; then each demo document issued if
# nothing it needs is missing, else listed with what the clerk still has to give.
token() { $bin/ledger token --actor "$1" --role "$2"; }
echo "demo documents (the documents register starts empty; a document issues, with its number, only"
echo "when nothing it needs is missing; the others stay drafts until the clerk gives the parts listed):"
THIDUA_DEMO_TOKEN=$(token "$CLERK" clerk) $bin/ledger demo-documents --ledger-url "http://127.0.0.1:$LEDGER_PORT" \
    --documents-url "http://127.0.0.1:$DOCUMENTS_PORT" || echo "  (demo documents not set up)" >&2
cat <<MSG

  thidua is running (SQLite under ./var). Ctrl-C stops the three services.

    Open the web workplace:  http://127.0.0.1:$WEB_PORT   (sign in with a demo account below)

    ledger     http://127.0.0.1:$LEDGER_PORT    (API docs: /docs)
    documents  http://127.0.0.1:$DOCUMENTS_PORT    (API docs: /docs)

  Demo clusters (id, name; search them: GET /catalogue/clusters?q=… on the ledger, with a token):
$($bin/python -c 'from thidua_ledger import scenario
for key, (name, *_) in scenario.CLUSTERS.items():
    print(f"    {scenario.cluster_id(key)}  {name}")')

  Demo tokens (12 hours for a person, a week for a service; good on both services; send as
  "Authorization: Bearer <token>"; a new one: .venv/bin/ledger token --actor … --role …).
  The clerk writes within the scenario's authorities; auditors read and draft documents;
  subscribers only read the ledger's feed. Public keys: /.well-known/jwks.json.
    clerk       ("$CLERK")  $(token "$CLERK" clerk)
    auditor     ("Thanh tra viên")  $(token "Thanh tra viên" auditor)
    subscriber  ("Dịch vụ hồ sơ cán bộ")  $(token "Dịch vụ hồ sơ cán bộ" subscriber)

  Demo accounts (sign in at http://127.0.0.1:$WEB_PORT, or POST /auth/token {"name": …, "password": …}
  on the ledger; passwords kept in var/demo-accounts). The admin adds accounts and grants
  their scope at http://127.0.0.1:$WEB_PORT/admin/accounts:
$(grep '^demo account' <<<"$accounts" | sed 's/^demo account/   /')

MSG
wait -n "${pids[@]}"
