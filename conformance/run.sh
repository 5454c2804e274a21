#!/usr/bin/env bash
# Builds kring, serves it on loopback with the in-memory backend, runs the GraphQL-over-HTTP
# audits (audit.mjs) against it, and stops the server. Exits with the audit's status.
#
#   conformance/run.sh                 # from anywhere in the repo
#   KRING_AUDIT_PORT=18181 conformance/run.sh
#   KRING_AUDIT_STRICT=1 conformance/run.sh   # also fail on SHOULD warnings
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
port="${KRING_AUDIT_PORT:-18080}"
tmp="$(mktemp -d)"
pid=""
cleanup() {
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/kring" .)
if [[ ! -d "$here/node_modules/graphql-http" ]]; then
	(cd "$here" && npm ci --no-audit --no-fund)
fi

"$tmp/kring" serve --backend memory --addr "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!

status=0
(cd "$here" && KRING_URL="http://127.0.0.1:$port" node audit.mjs) || status=$?
if [[ $status -ne 0 ]]; then
	echo "--- kring serve log (last 20 lines) ---" >&2
	tail -n 20 "$tmp/serve.log" >&2 || true
fi
exit "$status"
