// Shared browser plumbing for the e2e checks: one headless Chromium per run,
// a fresh context per page, and a tiny pass/fail reporter.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let browserPromise;

/** The run's single browser, launched on first use. */
export function getBrowser() {
  browserPromise ??= chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS });
  return browserPromise;
}

export async function closeBrowser() {
  if (!browserPromise) return;
  const pending = browserPromise;
  browserPromise = undefined;
  await (await pending).close().catch(() => {});
}

/**
 * Opens BASE_URL + path in a fresh browser context and calls
 * fn(page, info), where info = { response, pageErrors } (pageErrors fills up
 * with uncaught exceptions raised by the page). The context is closed
 * afterwards, whatever fn does.
 */
export async function withPage(path, fn, { viewport = { width: 1280, height: 800 }, locale } = {}) {
  const browser = await getBrowser();
  const context = await browser.newContext({ viewport, ...(locale ? { locale } : {}) });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    const response = await page.goto(BASE_URL + path, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    return await fn(page, { response, pageErrors });
  } finally {
    await context.close().catch(() => {});
  }
}

/** Saves a full-page screenshot to test-results/<name>, returns its path. */
export async function screenshot(page, name) {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = resolve(RESULTS_DIR, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Collects named checks; each prints one line. */
export function createReporter() {
  let passed = 0;
  let failed = 0;
  return {
    /** Runs fn; a thrown error fails the check. Returns true when it passed. */
    async check(name, fn) {
      const started = Date.now();
      try {
        const note = await fn();
        passed += 1;
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`ok     ${name}${note ? ` (${note})` : ''} [${seconds}s]`);
        return true;
      } catch (error) {
        failed += 1;
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        console.log(`FAILED ${name}: ${message}`);
        return false;
      }
    },
    /** Records a failure that happened outside a check (e.g. the page did not open). */
    fail(name, reason) {
      failed += 1;
      console.log(`FAILED ${name}: ${reason}`);
    },
    get failed() {
      return failed;
    },
    summary() {
      console.log(`e2e: ${passed} passed, ${failed} failed`);
      return failed === 0 ? 0 : 1;
    },
  };
}

/** Runs a script's checks with a fresh reporter, then closes the browser and exits: 0 when every check passed.
 *  An error outside a check (the page did not open) fails the run. */
export async function runChecks(checks) {
  const report = createReporter();
  let exitCode = 1;
  try {
    await checks(report);
    exitCode = report.summary();
  } catch (error) {
    report.fail('e2e run', error instanceof Error ? error.message.split('\n')[0] : String(error));
    report.summary();
  } finally {
    await closeBrowser();
  }
  process.exit(exitCode);
}

/** Throws with `message` unless `condition` holds. */
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

// Evaluated through the DevTools protocol, which the page's Content-Security-Policy (script-src 'self') does not block.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// The page at rest when axe looks: the pointer off whatever it last clicked (antd lightens a hovered primary
// button below the contrast its resting colour has), and the transitions that started let finish (at most 2 s;
// a button caught mid-way, which a busy machine makes likely, measured a colour it never rests at).
async function atRest(page) {
  await page.mouse.move(0, 0);
  await page.evaluate(() => Promise.race([
    Promise.allSettled(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished)),
    new Promise((done) => setTimeout(done, 2000)),
  ]));
}

/** axe's WCAG 2.1 A/AA violations on the page as it rests, one line each: `rule ×count (first targets)`. */
export async function axeViolations(page) {
  await atRest(page);
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_TAGS,
  );
  return result.violations.map((violation) => {
    const where = violation.nodes.slice(0, 2).map((node) => node.target.join(' ')).join(' | ');
    return `${violation.id} ×${violation.nodes.length} (${where})`;
  });
}
