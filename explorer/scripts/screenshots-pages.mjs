#!/usr/bin/env node
// Screenshots of the recommendations page and the Family Group Conferencing method page at
// 1280 px (desktop) and 390 px (phone), written to docs/screenshots/ for the README. Runs against
// a Kring server with the starter knowledge base:
//
//   scripts/with-server.sh ./kring sh -c 'cd explorer && node scripts/screenshots-pages.mjs'
//
// Each PNG is kept under MAX_BYTES: a page taller than MAX_HEIGHT (per width) is cut (the method page ends
// with its outcomes section, which holds the claims through the FGC initiatives).

import { chromium } from 'playwright-core';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.KRING_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const OUT = join(here, '..', '..', 'docs', 'screenshots');
const MAX_BYTES = 300_000;
const MAX_HEIGHT = { 1280: 1600, 390: 2400 };
mkdirSync(OUT, { recursive: true });

const SHOTS = [
  { name: 'recommendations', path: '/aanbevelingen', ready: '[data-testid=recommendations] > li', until: null },
  { name: 'method-fgc', path: '/method/family-group-conferencing', ready: 'section#outcomes tr[data-via]', until: 'section#outcomes' },
];
const WIDTHS = [1280, 390];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
let failed = 0;
for (const s of SHOTS) {
  for (const width of WIDTHS) {
    const page = await browser.newPage({ viewport: { width, height: width > 600 ? 900 : 844 }, locale: 'nl-BE' });
    await page.goto(`${BASE}${s.path}`, { waitUntil: 'networkidle' });
    await page.waitForSelector(s.ready);
    const full = await page.evaluate(() => document.documentElement.scrollHeight);
    let height = Math.min(full, MAX_HEIGHT[width]);
    if (s.until) {
      const box = await page.locator(s.until).boundingBox();
      if (box) height = Math.min(MAX_HEIGHT[width], Math.ceil(box.y + box.height + 16));
    }
    const file = join(OUT, `${s.name}-${width}.png`);
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width, height }, fullPage: true });
    const bytes = statSync(file).size;
    console.log(`${file}: ${width}×${height}, ${bytes} bytes`);
    if (bytes > MAX_BYTES) {
      console.log(`  larger than ${MAX_BYTES} bytes`);
      failed++;
    }
    await page.close();
  }
}
await browser.close();
process.exit(failed ? 1 : 0);
