#!/usr/bin/env bash
# with-server.sh BINARY CMD...: start `BINARY serve` on a free loopback port with the in-memory
# backend and the bundled knowledge base, wait until it is ready (/readyz: the store is open; /healthz answers earlier), run CMD with KRING_URL set,
# stop the server, and exit with CMD's status. With KRING_E2E_TOKEN set, the server takes that
# token as a CURATOR's (name e2e-curator; a tokens file made here, mode 600), so that CMD can
# write (the e2e upload and edit tests); CMD sees the variable too. Unset: the server is
# read-only.
set -euo pipefail
bin=$1; shift
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
log=$(mktemp)
tokens=$(mktemp)
extra=()
if [ -n "${KRING_E2E_TOKEN:-}" ]; then
  chmod 600 "$tokens"
  printf 'e2e-curator CURATOR %s\n' "$(printf %s "$KRING_E2E_TOKEN" | sha256sum | cut -d' ' -f1)" >"$tokens"
  extra=(--tokens-file "$tokens")
fi
"$bin" serve --backend memory --addr "127.0.0.1:$port" --log-level warn ${extra[@]+"${extra[@]}"} >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log" "$tokens"' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "server died:"; cat "$log"; exit 1; fi
  sleep 0.1
done
export KRING_URL="http://127.0.0.1:$port"
"$@"
