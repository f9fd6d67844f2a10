// Measures what a first visit costs, in Debian's Chromium against the running platform: the JavaScript
// the page loads (bytes on the wire and gzip -9 size of each file) and the time from navigation start
// until the task list's first row is on screen, cold (empty cache) and warm (same browser, cached
// assets), on loopback and on a throttled 1.6 Mbps / 150 ms link.
//   BASE_URL=http://127.0.0.1:8000 node e2e/measure.mjs [--runs 5] [--throttled] [PATH ...]
import { gzipSync } from 'node:zlib';

import { BASE_URL, closeBrowser, getBrowser } from './browser.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const [value] = args.splice(at, 2).slice(1);
  return value;
};
const flag = (name) => {
  const at = args.indexOf(name);
  if (at < 0) return false;
  args.splice(at, 1);
  return true;
};
const RUNS = Number(option('--runs', '5'));
const THROTTLED = flag('--throttled');
const PATHS = args.length > 0 ? args : ['/tasks', '/'];
const TASK_ROW = '[data-testid^="task-row-"]';
// Lighthouse's mobile profile: 1.6 Mbps down, 750 kbps up, 150 ms round trip.
const SLOW_LINK = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) };

// Records, inside the page, when the first task row was first attached (the moment it can be painted).
const RECORD_TASK_ROW = `(() => {
  const seen = () => {
    if (window.__taskRowAt === undefined && document.querySelector('${TASK_ROW}')) {
      window.__taskRowAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
})();`;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function openContext(throttled) {
  const browser = await getBrowser();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(RECORD_TASK_ROW);
  const page = await context.newPage();
  if (throttled) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
  }
  return { context, page };
}

/** One navigation: the scripts it fetched and when the task list showed (undefined if it never did). */
async function visit(page, path, waitForTasks) {
  const scripts = [];
  const onResponse = async (response) => {
    if (response.request().resourceType() !== 'script') return;
    const body = await response.body().catch(() => null);
    if (!body) return;
    const sizes = await response.request().sizes().catch(() => null);
    scripts.push({
      url: response.url(),
      raw: body.length,
      gzip: gzipSync(body, { level: 9 }).length,
      wire: sizes ? sizes.responseBodySize : body.length,
      cached: response.fromServiceWorker() || (sizes ? sizes.responseBodySize === 0 : false),
    });
  };
  page.on('response', onResponse);
  await page.goto(BASE_URL + path, { waitUntil: 'load', timeout: 60_000 });
  let visibleMs;
  if (waitForTasks) {
    await page.locator(TASK_ROW).first().waitFor({ timeout: 60_000 });
    visibleMs = await page.evaluate(() => window.__taskRowAt);
  }
  await page.waitForLoadState('networkidle', { timeout: 60_000 }).catch(() => {});
  page.off('response', onResponse);
  return { scripts, visibleMs };
}

async function measurePath(path, throttled) {
  const waitForTasks = path.startsWith('/tasks');
  const cold = [];
  const warm = [];
  let firstScripts = [];
  for (let run = 0; run < RUNS; run += 1) {
    const { context, page } = await openContext(throttled);
    try {
      const first = await visit(page, path, waitForTasks);
      if (run === 0) firstScripts = first.scripts;
      cold.push(first.visibleMs);
      const again = await visit(page, path, waitForTasks);
      warm.push(again.visibleMs);
    } finally {
      await context.close();
    }
  }
  const kb = (bytes) => (bytes / 1024).toFixed(1);
  const total = (key) => firstScripts.reduce((sum, script) => sum + script[key], 0);
  console.log(`\n${path}${throttled ? ' (1.6 Mbps, 150 ms)' : ' (loopback)'}`);
  console.log(`  JavaScript: ${firstScripts.length} files, ${kb(total('raw'))} KB raw, ${kb(total('gzip'))} KB gzip -9, `
    + `${kb(total('wire'))} KB on the wire`);
  for (const script of firstScripts) {
    console.log(`    ${kb(script.gzip).padStart(7)} KB gzip  ${kb(script.raw).padStart(8)} KB raw  ${new URL(script.url).pathname}`);
  }
  if (waitForTasks) {
    const ms = (values) => values.map((value) => Math.round(value)).join(', ');
    console.log(`  task list visible, cold: median ${Math.round(median(cold))} ms (${ms(cold)})`);
    console.log(`  task list visible, warm: median ${Math.round(median(warm))} ms (${ms(warm)})`);
  }
}

try {
  console.log(`measure: ${BASE_URL}, ${RUNS} runs per path`);
  for (const path of PATHS) {
    await measurePath(path, false);
    if (THROTTLED) await measurePath(path, true);
  }
} finally {
  await closeBrowser();
}
