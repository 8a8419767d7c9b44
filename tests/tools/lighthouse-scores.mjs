// Runs Lighthouse on each URL given on the command line with one Chromium
// (CHROME_PATH), one page after another (as a phone; as a desktop browser with
// --desktop first), and prints one JSON object:
// {"<url>": {"performance": 1, "accessibility": 1, ...,
//            "failed": {"<category>": ["<audit id>: <title>", ...]}}}.
// Used by tests/test_lighthouse.py; run it by hand with
//   CHROME_PATH=/usr/bin/chromium node tests/tools/lighthouse-scores.mjs [--desktop] URL...
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const desktop = process.argv[2] === '--desktop';
const urls = process.argv.slice(desktop ? 3 : 2);
if (urls.length === 0) {
  console.error('usage: lighthouse-scores.mjs [--desktop] URL...');
  process.exit(2);
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: CHROME_FLAGS,
});
const results = {};
try {
  for (const url of urls) {
    const runner = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: CATEGORIES,
    }, desktop ? desktopConfig : undefined);
    const lhr = runner.lhr;
    if (lhr.runtimeError) {
      results[url] = {error: `${lhr.runtimeError.code}: ${lhr.runtimeError.message}`};
      continue;
    }
    const entry = {failed: {}};
    for (const id of CATEGORIES) {
      const category = lhr.categories[id];
      entry[id] = category.score;
      entry.failed[id] = category.auditRefs
        .filter((ref) => ref.weight > 0)
        .map((ref) => lhr.audits[ref.id])
        .filter((audit) => audit.score !== null && audit.score < 1)
        .map((audit) => `${audit.id} (${audit.score}): ${audit.title}` +
          (audit.displayValue ? ` [${audit.displayValue}]` : ''));
    }
    results[url] = entry;
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
