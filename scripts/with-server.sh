#!/usr/bin/env bash
# with-server.sh BINARY CMD...: start `BINARY serve` on a free loopback port with the in-memory
# backend and the bundled knowledge base, wait until it is ready (/readyz: the store is open; /healthz answers earlier), run CMD with KRING_URL set,
# stop the server, and exit with CMD's status.
#
# Opt-in (upload e2e, issue 13): with KRING_E2E_UPLOAD_TOKEN set to a token, the server also
# gets a tokens file (mode 600, removed on exit) that makes that token a CURATOR named
# e2e-curator; CMD sees the same variable. Unset: the server is read-only, as before.
set -euo pipefail
bin=$1; shift
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
log=$(mktemp)
upload_tokens=()
tokens_file=""
if [ -n "${KRING_E2E_UPLOAD_TOKEN:-}" ]; then
  tokens_file=$(mktemp)
  chmod 600 "$tokens_file"
  echo "e2e-curator curator $(printf %s "$KRING_E2E_UPLOAD_TOKEN" | sha256sum | cut -d' ' -f1)" >"$tokens_file"
  upload_tokens=(--tokens-file "$tokens_file")
fi
"$bin" serve --backend memory --addr "127.0.0.1:$port" --log-level warn "${upload_tokens[@]}" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log" ${tokens_file:+"$tokens_file"}' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "server died:"; cat "$log"; exit 1; fi
  sleep 0.1
done
export KRING_URL="http://127.0.0.1:$port"
"$@"
