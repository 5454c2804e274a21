#!/usr/bin/env node
// Screenshots of the matrix and the catalogue for the README (docs/screenshots/), at desktop
// width (1280 px) and on a phone (390 px), in real Chromium against a running Kring server:
//
//   ../scripts/with-server.sh ./kring sh -c 'cd explorer && node scripts/screenshots-matrix.mjs'
//
// Each PNG is the top of the page (at most SHOT_HEIGHT px high) so that it stays small.
import { chromium } from 'playwright-core';
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BASE = (process.env.KRING_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
mkdirSync(OUT, { recursive: true });

const shots = [
  // The matrix with a cell opened (the negative RCT cell's row), then the catalogue sorted by confidence.
  { name: 'matrix', path: '/matrix', ready: '[data-testid=matrix] table', height: 1500 },
  { name: 'catalogue', path: '/catalogus?sort=CONFIDENCE', ready: '[data-testid=catalogue] tbody tr', height: 1300 },
];
const widths = [
  { suffix: 'desktop', width: 1280, scale: 1 },
  { suffix: '390', width: 390, scale: 1 },
];

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
let failed = false;
for (const s of shots) {
  for (const w of widths) {
    const context = await browser.newContext({ viewport: { width: w.width, height: 900 }, deviceScaleFactor: w.scale, locale: 'nl-BE' });
    const page = await context.newPage();
    await page.goto(BASE + s.path, { waitUntil: 'networkidle' });
    await page.waitForSelector(s.ready);
    if (s.name === 'matrix' && w.width < 600) {
      // Show the sticky first column: scroll the table sideways a little.
      await page.locator('[data-testid=matrix] .scroll').evaluate((el) => el.scrollBy(240, 0));
      await page.locator('[data-testid=matrix] .scroll').scrollIntoViewIfNeeded();
    }
    const full = await page.evaluate(() => document.documentElement.scrollHeight);
    const file = `${OUT}${s.name}-${w.suffix}.png`;
    const y = s.name === 'matrix' && w.width < 600 ? await page.evaluate(() => Math.max(0, document.querySelector('[data-testid=legend]').getBoundingClientRect().top + window.scrollY - 10)) : 0;
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y, width: w.width, height: Math.min(s.height, full - y) } });
    const kb = Math.round(statSync(file).size / 1024);
    console.log(`${file}: ${kb} KB`);
    if (kb > 300) failed = true;
    await context.close();
  }
}
await browser.close();
process.exit(failed ? 1 : 0);
