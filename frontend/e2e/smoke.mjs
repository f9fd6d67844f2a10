// Smoke test of the built SPA behind the gateway: the status page reports
// every service up, shows Chinese by default and switches to English.
//   BASE_URL=http://127.0.0.1:8000 CHROMIUM_PATH=/usr/bin/chromium npm run e2e
import { BASE_URL, expect, screenshot, withPage, runChecks } from './browser.mjs';

const SERVICES = ['gateway', 'agencies', 'applications', 'funding'];
const WAIT_FOR_HEALTHY_MS = 30_000;
const TEXT = {
  zh: { product: '人才计划平台', heading: '系统状态', agencies: '责任矩阵服务', up: '正常' },
  en: { product: 'Talent Plan Platform', heading: 'System status', agencies: 'Agencies service', up: 'Up' },
};

const byTestId = (id) => `[data-testid="${id}"]`;

async function textOf(page, selector) {
  return ((await page.locator(selector).first().textContent({ timeout: 5_000 })) ?? '').trim();
}

/** Waits until [data-testid=testId] has data-status=want; throws with the last value seen. */
async function waitForStatus(page, testId, want, timeout) {
  const selector = byTestId(testId);
  try {
    await page.locator(`${selector}[data-status="${want}"]`).waitFor({ timeout });
    return;
  } catch {
    // Fall through: report what the element says instead of a bare timeout.
  }
  const last = await page.locator(selector).getAttribute('data-status', { timeout: 1_000 }).catch(() => null);
  if (last === want) return;
  throw new Error(last === null ? `no ${testId} element on the page` : `data-status="${last}"`);
}

async function statusPageChecks(report) {
  console.log(`e2e: ${BASE_URL}/status`);
  await withPage('/status', async (page, { response, pageErrors }) => {
    await report.check('GET /status serves the app (SPA fallback)', async () => {
      expect(response, 'no response');
      expect(response.status() === 200, `HTTP ${response.status()}`);
      const type = response.headers()['content-type'] ?? '';
      expect(type.includes('text/html'), `content-type ${type}`);
      await page.locator(byTestId('status-page')).waitFor({ timeout: 15_000 });
    });

    const deadline = Date.now() + WAIT_FOR_HEALTHY_MS;
    const remaining = () => Math.max(1, deadline - Date.now());

    const healthy = await report.check('overall-status is "ok"', async () => {
      await waitForStatus(page, 'overall-status', 'ok', remaining()).catch((error) => {
        throw new Error(`${error.message} after waiting ${WAIT_FOR_HEALTHY_MS / 1000}s`);
      });
    });

    for (const name of SERVICES) {
      await report.check(`service "${name}" is up`, () => waitForStatus(page, `service-status-${name}`, 'up', remaining()));
    }

    await report.check('Chinese is shown by default', async () => {
      const product = await textOf(page, byTestId('product-name'));
      expect(product === TEXT.zh.product, `product name is "${product}"`);
      const heading = await textOf(page, 'h2');
      expect(heading === TEXT.zh.heading, `heading is "${heading}"`);
      if (healthy) {
        const row = await textOf(page, byTestId('service-row-agencies'));
        expect(row.includes(TEXT.zh.agencies), `agencies row reads "${row}"`);
      }
      const lang = await page.evaluate(() => document.documentElement.lang);
      expect(lang === 'zh-CN', `<html lang="${lang}">`);
    });

    await report.check('language switch shows English', async () => {
      await page.locator(byTestId('lang-option-en')).click({ timeout: 5_000 });
      await page
        .locator(byTestId('product-name'), { hasText: TEXT.en.product })
        .waitFor({ timeout: 5_000 })
        .catch(() => {
          throw new Error('product name did not change to English');
        });
      const heading = await textOf(page, 'h2');
      expect(heading === TEXT.en.heading, `heading is "${heading}"`);
      if (healthy) {
        const row = await textOf(page, byTestId('service-row-agencies'));
        expect(row.includes(TEXT.en.agencies), `agencies row reads "${row}"`);
        const tag = await textOf(page, byTestId('service-status-gateway'));
        expect(tag === TEXT.en.up, `gateway tag reads "${tag}"`);
      }
      const stored = await page.evaluate(() => localStorage.getItem('tpp.lang'));
      expect(stored === 'en', `localStorage tpp.lang is "${stored}"`);
    });

    await report.check('screenshot saved', async () => {
      await page.waitForTimeout(400); // let the language switch finish its slide animation
      return screenshot(page, 'status.png');
    });

    await report.check('no uncaught errors in the page', async () => {
      expect(pageErrors.length === 0, pageErrors.join(' | '));
    });
  });
}

await runChecks(async (report) => {
  await statusPageChecks(report);
});
