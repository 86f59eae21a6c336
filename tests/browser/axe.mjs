// Checks fed-broker's pages for accessibility with axe-core in Debian's headless Chromium, in
// the light and the dark colour scheme, at a desktop's and a phone's width; takes screenshots
// when asked.
//
// Usage: node axe.mjs PAGES_JSON [SCREENSHOT_DIR]
//
// PAGES_JSON is a file holding {"stylesheet": "...", "pages": [{"name": "...", "html": "..."}]}:
// the pages as the broker served them, and its stylesheet, which takes the place of the
// pages' `<link rel="stylesheet">` (the pages are loaded without the broker).
//
// Environment:
//   FED_CHROMIUM   the browser to drive (never downloaded)
//   FED_PROFILE    an empty directory for the browser's profile
//
// It prints one JSON object on stdout: for each page, scheme and width, the violations axe
// found (rule id, impact, how many elements).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchChromium } from './chromium.mjs';

const [pagesFile, screenshots] = process.argv.slice(2);
if (!pagesFile) {
  console.error('usage: node axe.mjs PAGES_JSON [SCREENSHOT_DIR]');
  process.exit(2);
}
const { stylesheet, pages } = JSON.parse(readFileSync(pagesFile, 'utf8'));
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const browser = await launchChromium();
const results = [];
try {
  const page = await browser.newPage();
  for (const { name, html } of pages) {
    const inline = html.replace(
      /<link rel="stylesheet" href="\/style.css">/,
      `<style>${stylesheet}</style>`,
    );
    for (const scheme of ['light', 'dark']) {
      for (const [width, label] of [[1000, 'desktop'], [390, 'phone']]) {
        await page.setViewport({ width, height: 800 });
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        await page.setContent(inline, { waitUntil: 'load' });
        await page.addScriptTag({ path: axePath });
        const found = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const run = await axe.run(document, { resultTypes: ['violations'] });
          return run.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
        });
        // A page wider than the screen makes people scroll sideways.
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth > window.innerWidth + 1,
        );
        results.push({ name, scheme, width: label, violations: found, overflow });
        if (screenshots && label === 'desktop') {
          await page.screenshot({ path: `${screenshots}/${name}-${scheme}.png`, fullPage: true });
        }
      }
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ pages: results }));
