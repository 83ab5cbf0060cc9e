#!/bin/bash
# One latency of benchmarks/mail-sync, run by accord-test-servers --dovecot.
# Prints one line per tool and phase: LATENCY PHASE TOOL WALL USER SYS PEAK_KIB.

set -euo pipefail
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
maildir=$ACCORD_TEST_MAILDIR_ROOT/alice
owner=$(stat -c %u:%g "$maildir")
/usr/bin/python3 "$BENCH_LIB/gen-mail.py" "$maildir" "$MESSAGES"
chown -R "$owner" "$maildir"

port=$ACCORD_TEST_IMAPS_PORT
if [ "$LATENCY" != 0 ]; then
  proxy_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  /usr/bin/python3 "$BENCH_LIB/latency-proxy.py" "$proxy_port" 127.0.0.1 "$port" "$LATENCY" > "$work/proxy.out" &
  for _ in $(seq 100); do grep -q ready "$work/proxy.out" 2>/dev/null && break; sleep 0.05; done
  port=$proxy_port
fi

# Dovecot indexes each folder on first use; do that once, for neither tool to pay.
/usr/bin/python3 - "$ACCORD_TEST_IMAPS_PORT" "$ACCORD_TEST_CA_FILE" <<'PY'
import imaplib, ssl, sys
imap = imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ssl.create_default_context(cafile=sys.argv[2]))
imap.login("alice", "alice-secret-1")
for f in ("INBOX", "Sent", "Archive", "Work", "Lists"):
    imap.select(f); imap.uid("FETCH", "1:*", "(FLAGS)")
imap.logout()
PY

mkdir -p "$work/mbsync"
cat > "$work/mbsyncrc" <<MBSYNCRC
IMAPAccount bench
Host localhost
Port $port
User alice
Pass alice-secret-1
SSLType IMAPS
CertificateFile $ACCORD_TEST_CA_FILE

IMAPStore remote
Account bench

MaildirStore local
Path $work/mbsync/
Inbox $work/mbsync/INBOX
SubFolders Verbatim

Channel bench
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
SyncState *
MBSYNCRC

accord=no
if "$ACCORDCTL" sync --help >/dev/null 2>&1; then
  accord=yes
  export XDG_CONFIG_HOME=$work/accord-config XDG_DATA_HOME=$work/accord-data
  fingerprint=$(openssl s_client -connect 127.0.0.1:$ACCORD_TEST_IMAPS_PORT </dev/null 2>/dev/null \
                | openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//' | tr 'A-F' 'a-f')
  "$ACCORDCTL" accounts add --address alice@example.test --username alice \
    --imap 127.0.0.1:$port --security tls --pinned-certificate "$fingerprint" > "$work/id"
fi

measure () {  # TOOL PHASE COMMAND...
  local tool=$1 phase=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  echo "$LATENCY $phase $tool $(cat "$work/time")"
}

run_phase () {
  measure mbsync "$1" mbsync -c "$work/mbsyncrc" -a -q
  if [ "$accord" = yes ]; then
    measure accord "$1" bash -c "echo alice-secret-1 | \"\$ACCORDCTL\" sync --once --measure-stall --password-stdin $(cat "$work/id")"
    echo "# $LATENCY $1 $(grep -o 'main-loop stall: [0-9.]* ms' "$work/out" || echo 'main-loop stall: unknown')"
  fi
}

run_phase initial
run_phase no-op
/usr/bin/python3 "$BENCH_LIB/imap-delta.py" 127.0.0.1 "$ACCORD_TEST_IMAPS_PORT" "$ACCORD_TEST_CA_FILE" \
  alice alice-secret-1 100 1000 100
run_phase delta
