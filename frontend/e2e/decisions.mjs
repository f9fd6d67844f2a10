// The decision in a real browser against the running platform: an administrator opens a call's decision page
// from the call, approves its recommended list in one batch and sees each application's own outcome; the
// approval's award shows the money committed and the administrator records its (single) installment paid; the
// funding dashboard shows the committed and disbursed money and the task's derived deliverable the approved
// count; the awards list and the reconciler's report are read. Every page visited passes axe-core's WCAG 2.1 A/AA rules and fits a
// phone (390 px) without sideways scrolling.
//   ADMIN_USERNAME=… ADMIN_PASSWORD=… CALL_ID=… EXPECT_OUTCOMES=approved,approved,quotaExhausted \
//   PROGRAM_CODE=t01-outstanding FISCAL_YEAR=2019 EXPECT_COMMITTED_FEN=… EXPECT_DISBURSED_FEN=… AWARD_FEN=… \
//   TASK=liaoning-2018-2020/1 DELIVERABLE=t01-outstanding-talent EXPECT_DELIVERABLE=… BASE_URL=… node e2e/decisions.mjs

import { BASE_URL, axeViolations, expect, getBrowser, screenshot, runChecks } from './browser.mjs';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const byTestId = (id) => `[data-testid="${id}"]`;
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};

const CALL_ID = env('CALL_ID');
const EXPECT_OUTCOMES = env('EXPECT_OUTCOMES').split(',');
const PROGRAM_CODE = env('PROGRAM_CODE');
const FISCAL_YEAR = env('FISCAL_YEAR');
const EXPECT_COMMITTED_FEN = Number(env('EXPECT_COMMITTED_FEN'));
const EXPECT_DISBURSED_FEN = Number(env('EXPECT_DISBURSED_FEN'));
const AWARD_FEN = Number(env('AWARD_FEN'));
const TASK = env('TASK');
const DELIVERABLE = env('DELIVERABLE');
const EXPECT_DELIVERABLE = Number(env('EXPECT_DELIVERABLE'));

/** As the funding dashboard writes an amount of fen in Chinese (万元). */
const wanYuan = (fen) => `${(fen / 100 / 10_000).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 万元`;

/** axe finds nothing, and the page fits a desktop and a phone without sideways scrolling; screenshots of both. */
async function accessibleAndFits(page, name) {
  const violations = await axeViolations(page);
  expect(violations.length === 0, violations.join('; '));
  for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300);
    const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, window: window.innerWidth }));
    expect(width.scroll <= width.window, `${label}: ${width.scroll}px wide in a ${width.window}px window`);
    await screenshot(page, `${name}-${label}.png`);
  }
  await page.setViewportSize(DESKTOP);
}

/** Reloads `path` until `read(page)` returns what `want` accepts (another service's answer lands a little later). */
async function eventually(page, path, ready, read, want, timeout = 45_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    await page.goto(BASE_URL + path, { waitUntil: 'domcontentloaded' });
    await page.locator(ready).first().waitFor({ timeout: 20_000 });
    last = await read(page);
    if (want(last) || Date.now() > deadline) return last;
    await page.waitForTimeout(1_000);
  }
}

async function signIn(context) {
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/login`);
  await page.locator(byTestId('login-username')).fill(env('ADMIN_USERNAME'));
  await page.locator(byTestId('login-password')).fill(env('ADMIN_PASSWORD'));
  await page.locator(byTestId('login-submit')).click();
  await page.locator(`${byTestId('user-menu')}[data-status="signedIn"]`).first().waitFor({ timeout: 15_000 });
  return page;
}

await runChecks(async (report) => {
  console.log(`e2e: an administrator approves call ${CALL_ID}'s recommended list at ${BASE_URL}`);
  const context = await (await getBrowser()).newContext({ viewport: DESKTOP });
  await context.addInitScript(() => window.localStorage.setItem('tpp.lang', 'zh-CN'));
  const page = await signIn(context);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  let approvedId = '';

  await report.check('the call page leads an administrator to its decision page, with the recommended list', async () => {
    await page.goto(`${BASE_URL}/calls/${CALL_ID}`, { waitUntil: 'domcontentloaded' });
    await page.locator(byTestId('call-decisions-link')).click();
    await page.locator(`${byTestId('decision-ready')}[data-status="ready"]`).waitFor({ timeout: 20_000 });
    await page.waitForURL(`**/decisions/${CALL_ID}`);
    const rows = await page.locator(byTestId('ready-row')).count();
    expect(rows === EXPECT_OUTCOMES.length, `${rows} applications awaiting the decision, expected ${EXPECT_OUTCOMES.length}`);
    await accessibleAndFits(page, 'decision-ready');
    return `${rows} recommended`;
  });

  await report.check('a batch approval of the whole list shows each application its own outcome', async () => {
    await page.locator(`${byTestId('ready-table')} thead .ant-table-selection-column input[type="checkbox"]`).check();
    const button = page.locator(byTestId('decide-approve-selected'));
    expect((await button.textContent())?.includes(`（${EXPECT_OUTCOMES.length}）`), `the button reads ${await button.textContent()}`);
    await button.click();
    await page.locator(byTestId('decide-comment')).fill('（浏览器测试）经研究同意。');
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/v1/applications/decisions') && response.request().method() === 'POST', { timeout: 180_000 });
    await page.locator(byTestId('decide-confirm')).click();
    const response = await answered;
    expect(response.status() === 200, `POST /decisions answered ${response.status()}`);
    await page.locator(byTestId('decision-outcome')).first().waitFor({ timeout: 20_000 });
    // The dialog closes with a fade: axe would measure its half-transparent text.
    await page.locator(byTestId('decide-form')).waitFor({ state: 'hidden', timeout: 10_000 });
    const shown = await page.locator(byTestId('decision-outcome')).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(JSON.stringify([...shown].sort()) === JSON.stringify([...EXPECT_OUTCOMES].sort()), `outcomes ${shown.join(', ')}; expected ${EXPECT_OUTCOMES.join(', ')}`);
    const approvedRow = page.locator(`${byTestId('decision-outcome')}[data-status="approved"]`).first();
    approvedId = (await approvedRow.getAttribute('data-key')) ?? '';
    const summary = (await page.locator(byTestId('outcomes-summary')).textContent()) ?? '';
    const approved = EXPECT_OUTCOMES.filter((kind) => kind === 'approved').length;
    expect(summary.includes(`批准 ${approved} 件`), `the summary reads "${summary}"`);
    await accessibleAndFits(page, 'decision-outcomes');
    return shown.join(', ');
  });

  await report.check('the approval leads to its award, with the money committed', async () => {
    const row = page.locator(`${byTestId('approved-row')}[data-key="${approvedId}"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.locator('button').first().click();
    const approval = page.locator(`${byTestId('approval-row')}[data-status="approved"]`).first();
    await approval.waitFor({ timeout: 15_000 });
    await approval.locator('a').first().click();
    await page.locator(`${byTestId('award-page')}[data-status="ready"]`).waitFor({ timeout: 20_000 });
    const status = await eventually(
      page,
      new URL(page.url()).pathname,
      `${byTestId('award-page')}[data-status="ready"]`,
      (p) => p.locator(byTestId('award-status')).getAttribute('data-status'),
      (value) => value === 'committed',
    );
    expect(status === 'committed', `the award is ${status}`);
    const committed = Number(await page.locator(byTestId('award-committed')).getAttribute('data-value'));
    expect(committed === AWARD_FEN, `committed ${committed} fen, expected ${AWARD_FEN}`);
    await page.locator(byTestId('disburse-form')).waitFor();
    await accessibleAndFits(page, 'award');
    return `${wanYuan(committed)} committed`;
  });

  await report.check("an administrator records the award's installment as disbursed", async () => {
    const amount = ((await page.locator(byTestId('disburse-amount')).textContent()) ?? '').trim();
    await page.locator(byTestId('disburse-submit')).click();
    await page.locator(byTestId('disburse-confirm')).click();
    await page.locator(byTestId('disburse-done')).waitFor({ timeout: 20_000 });
    await page.waitForFunction(
      ([selector, fen]) => document.querySelector(selector)?.getAttribute('data-value') === String(fen),
      [byTestId('award-paid'), AWARD_FEN],
      { timeout: 15_000 },
    );
    const remaining = await page.locator(byTestId('award-remaining')).getAttribute('data-value');
    expect(remaining === '0', `${remaining} fen still to pay`);
    const paid = await page.locator(`${byTestId('installment-paid')}[data-status="paid"]`).count();
    expect(paid === 1, `${paid} installments shown paid`);
    return amount;
  });

  await report.check('the funding dashboard shows the committed and disbursed money of the programme and year', async () => {
    const cell = `${byTestId('funding-row')}[data-key="${PROGRAM_CODE}/${FISCAL_YEAR}"] td:nth-child(5)`;
    const want = wanYuan(EXPECT_COMMITTED_FEN);
    const text = await eventually(
      page,
      `/funding?year=${FISCAL_YEAR}`,
      `${byTestId('funding-page')}[data-status="ready"] ${byTestId('funding-row')}`,
      async (p) => ((await p.locator(cell).textContent().catch(() => '')) ?? '').trim(),
      (value) => value === want,
    );
    expect(text === want, `committed reads "${text}", expected "${want}"`);
    const disbursed = ((await page.locator(`${byTestId('funding-row')}[data-key="${PROGRAM_CODE}/${FISCAL_YEAR}"] td:nth-child(6)`).textContent()) ?? '').trim();
    expect(disbursed === wanYuan(EXPECT_DISBURSED_FEN), `disbursed reads "${disbursed}", expected "${wanYuan(EXPECT_DISBURSED_FEN)}"`);
    await page.locator(byTestId('funding-awards-link')).waitFor();
    return `committed ${text}, disbursed ${disbursed}`;
  });

  await report.check("the task's derived deliverable counts the approvals", async () => {
    const value = await eventually(
      page,
      `/tasks/${TASK}`,
      `${byTestId('task-page')}[data-status="ready"]`,
      async (p) => Number(await p.locator(`${byTestId(`deliverable-${DELIVERABLE}`)} ${byTestId('deliverable-value')}`).getAttribute('data-value')),
      (current) => current === EXPECT_DELIVERABLE,
    );
    expect(value === EXPECT_DELIVERABLE, `the deliverable reads ${value}, expected ${EXPECT_DELIVERABLE}`);
    await screenshot(page, 'deliverable-after-approval.png');
    return `${value}`;
  });

  await report.check("the awards list, from the dashboard, shows the programme's awards", async () => {
    await page.goto(`${BASE_URL}/funding?year=${FISCAL_YEAR}`, { waitUntil: 'domcontentloaded' });
    await page.locator(byTestId('funding-awards-link')).click();
    await page.locator(`${byTestId('awards-page')}[data-status="ready"]`).waitFor({ timeout: 20_000 });
    await page.locator(byTestId('awards-program')).selectOption(PROGRAM_CODE);
    await page.locator(byTestId('awards-year')).selectOption(FISCAL_YEAR);
    const approved = EXPECT_OUTCOMES.filter((kind) => kind === 'approved').length;
    const committed = page.locator(`${byTestId('award-row')}[data-status="committed"]`);
    await page.waitForFunction(([selector, count]) => document.querySelectorAll(selector).length === count, [`${byTestId('award-row')}[data-status="committed"]`, approved], { timeout: 15_000 });
    await accessibleAndFits(page, 'awards');
    return `${await committed.count()} committed`;
  });

  await report.check("an administrator runs the reconciler and reads its report", async () => {
    await page.goto(`${BASE_URL}/decisions`, { waitUntil: 'domcontentloaded' });
    await page.locator(`${byTestId('reconciler-card')}:not([data-status="loading"])`).waitFor({ timeout: 20_000 });
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/v1/applications/reconciler/runs'), { timeout: 120_000 });
    await page.locator(byTestId('reconciler-run')).click();
    expect((await answered).status() === 200, 'the reconciler run was refused');
    const finished = page.locator(byTestId('reconciler-finished'));
    await finished.waitFor({ timeout: 15_000 });
    const text = ((await finished.textContent()) ?? '').trim();
    expect(text.includes('管理员触发'), `the report reads "${text}"`);
    await accessibleAndFits(page, 'reconciler');
    return text;
  });

  await report.check('the decision pages raised no error in the page', async () => {
    expect(pageErrors.length === 0, pageErrors.join('; '));
  });
  await context.close();
});
