// GraphQL-over-HTTP conformance: runs the graphql-http server audits against a running
// `kring serve` and fails when a MUST audit fails.
//
//   cd conformance && npm ci && KRING_URL=http://127.0.0.1:8080 node audit.mjs
//
// Environment:
//   KRING_URL           base URL of the server (default http://127.0.0.1:8080); audits hit /graphql
//   KRING_AUDIT_STRICT  "1": also fail on SHOULD warnings (and on failed MAY audits)
//   KRING_AUDIT_WAIT_MS how long to wait for GET /readyz to answer 200 (default and maximum 15000)
//
// Output: one line per audit (ok, WARN for a failed SHOULD, FAIL for a failed MUST, note for a
// failed MAY), then "audit: N passed, N warnings, N failed" and the plain "N passed, N failed"
// line CI reads, where warnings and notes count as passed.

import { serverAudits } from 'graphql-http';

const base = (process.env.KRING_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const strict = process.env.KRING_AUDIT_STRICT === '1';
const waitMs = Math.min(Number(process.env.KRING_AUDIT_WAIT_MS) || 15000, 15000);

// waitHealthy polls GET /readyz (the store is open; /healthz answers earlier) until it answers 200, for at most waitMs in total.
async function waitHealthy() {
  const deadline = Date.now() + waitMs;
  let last = 'no answer';
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(Math.max(1, Math.min(2000, left))) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err?.cause?.code || err?.name || String(err);
    }
    await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, deadline - Date.now()))));
  }
  throw new Error(`${base}/readyz did not answer 200 within ${waitMs} ms (last: ${last})`);
}

const label = { ok: 'ok', notice: 'note', warn: 'WARN', error: 'FAIL' };

async function main() {
  await waitHealthy();
  const url = `${base}/graphql`;
  const audits = serverAudits({ url, fetchFn: fetch });
  let passed = 0;
  let warnings = 0;
  let notices = 0;
  let failed = 0;
  // One at a time, in the order graphql-http lists them, so the output is stable.
  for (const a of audits) {
    let result;
    try {
      result = await a.fn();
    } catch (err) {
      // graphql-http throws (instead of returning a result) only on fatal problems, such as a
      // refused connection: count the audit as failed whatever its level.
      result = { id: a.id, name: a.name, status: 'error', reason: `fatal: ${err?.message || err}` };
    }
    switch (result.status) {
      case 'ok':
        passed++;
        break;
      case 'notice':
        notices++;
        break;
      case 'warn':
        warnings++;
        break;
      default:
        failed++;
    }
    let line = `${label[result.status] || 'FAIL'} ${result.id} ${result.name}`;
    if (result.status !== 'ok') {
      line += ` -- ${result.reason}`;
      if (result.response && typeof result.response.status === 'number') {
        line += ` (HTTP ${result.response.status}, content-type ${result.response.headers.get('content-type') ?? 'none'})`;
      }
    }
    console.log(line);
  }
  if (notices) console.log(`audit: ${notices} optional MAY audits not met (counted as passed)`);
  console.log(`audit: ${passed + notices} passed, ${warnings} warnings, ${failed} failed`);
  console.log(`${passed + notices + warnings} passed, ${failed} failed`);
  if (failed > 0 || (strict && warnings + notices > 0)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(`audit: ${err?.message || err}`);
  process.exitCode = 1;
});
