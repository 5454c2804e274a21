#!/usr/bin/env bash
# with-server.sh BINARY CMD...: start `BINARY serve` on a free loopback port with the in-memory
# backend and the bundled knowledge base, wait until it is ready (/readyz: the store is open;
# /healthz answers earlier), run CMD with KRING_URL set, stop the server, and exit with CMD's
# status (KRING_E2E_PORT, when set, is the port to use).
#
# Tokens (a temporary tokens file, mode 600): the server always gets one ADMIN token, a fresh
# random one passed to CMD as KRING_E2E_ADMIN_TOKEN (the e2e test of releases makes a release
# with it); with KRING_E2E_TOKEN set, that token is a CURATOR's too (name e2e-curator: the
# upload and edit tests). Anonymous requests stay read-only.
set -euo pipefail
bin=$1; shift
tokens=$(mktemp)
chmod 600 "$tokens"
export KRING_E2E_ADMIN_TOKEN="kring_e2e_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'e2e ADMIN %s\n' "$(printf '%s' "$KRING_E2E_ADMIN_TOKEN" | sha256sum | cut -d' ' -f1)" >"$tokens"
if [ -n "${KRING_E2E_TOKEN:-}" ]; then
  printf 'e2e-curator CURATOR %s\n' "$(printf %s "$KRING_E2E_TOKEN" | sha256sum | cut -d' ' -f1)" >>"$tokens"
fi
port=${KRING_E2E_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)))}
log=$(mktemp)
"$bin" serve --backend memory --addr "127.0.0.1:$port" --log-level warn --tokens-file "$tokens" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log" "$tokens"' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "server died:"; cat "$log"; exit 1; fi
  sleep 0.1
done
export KRING_URL="http://127.0.0.1:$port"
"$@"
