#!/usr/bin/env node
// Prints the first page's JavaScript size: the scripts and module preloads that dist/index.html
// loads, gzipped (level 9), summed. Budget: 250 KB. Exits non-zero when over budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url);
const html = readFileSync(new URL('index.html', dist), 'utf8');
const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/([^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const f of refs) {
  const gz = gzipSync(readFileSync(new URL(f, dist)), { level: 9 }).length;
  total += gz;
  console.log(`  ${f}: ${gz} bytes gzipped`);
}
const budget = 250_000;
console.log(`budget: first-page-js-gzip=${total} bytes (budget ${budget})`);
process.exit(total <= budget ? 0 : 1);
