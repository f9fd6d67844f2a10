// Every page as each role sees it, in a real browser against the running platform: axe-core's WCAG 2.1
// A/AA rules find nothing, no page scrolls sideways at desktop (1440) or phone (390) width, the phone
// menu opens, Chinese and English both show, each page has its own title. Then the work itself: a
// reviewer reports progress and reviews it, an administrator finds an ended plan's overdue reports final (no
// escalation) and escalates a running plan's.
//   ADMIN_USERNAME=… ADMIN_PASSWORD=… REVIEWER_USERNAME=… REVIEWER_PASSWORD=… BASE_URL=… node e2e/pages.mjs

import { BASE_URL, axeViolations, expect, getBrowser, screenshot, runChecks } from './browser.mjs';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const PLAN = 'liaoning-2018-2020';
const byTestId = (id) => `[data-testid="${id}"]`;

const ROLES = {
  reviewer: { username: process.env.REVIEWER_USERNAME ?? '', password: process.env.REVIEWER_PASSWORD ?? '' },
  admin: { username: process.env.ADMIN_USERNAME ?? '', password: process.env.ADMIN_PASSWORD ?? '' },
  ...(process.env.APPLICANT_USERNAME
    ? { applicant: { username: process.env.APPLICANT_USERNAME, password: process.env.APPLICANT_PASSWORD ?? '' } }
    : {}),
  // The expert role comes with the gateway's support for it; without it the expert's checks are skipped.
  ...(process.env.EXPERT_USERNAME ? { expert: { username: process.env.EXPERT_USERNAME, password: process.env.EXPERT_PASSWORD ?? '' } } : {}),
};
// A call open now (made by tests/test_browser.py through the admin API).
const CALL_ID = process.env.CALL_ID ?? '';

// What each role opens, and what shows the page has its content (not just its frame).
const PUBLIC_PAGES = [
  { path: '/', ready: `${byTestId('dashboard')}[data-status="ready"]` },
  { path: '/tasks', ready: byTestId('task-row-1') },
  { path: `/tasks/${PLAN}/5`, ready: `${byTestId('task-page')}[data-status="ready"]` },
  { path: '/deliverables', ready: `${byTestId('deliverables-page')}[data-status="ready"]` },
  { path: '/matrix', ready: byTestId('matrix-table') },
  { path: '/agencies/prov-hrss-dept', ready: `${byTestId('agency-page')}[data-status="ready"]` },
  { path: '/status', ready: `${byTestId('overall-status')}[data-status="ok"]` },
  { path: '/calls', ready: `${byTestId('calls-page')}[data-status="ready"]` },
  ...(CALL_ID ? [{ path: `/calls/${CALL_ID}`, ready: `${byTestId('call-page')}[data-status="ready"]` }] : []),
  { path: '/notices', ready: `${byTestId('notices-page')}[data-status="ready"]` },
  { path: '/funding', ready: `${byTestId('funding-page')}[data-status="ready"]` },
  { path: '/login', ready: byTestId('login-page') },
  { path: '/register', ready: byTestId('register-submit') },
  { path: '/no-such-page', ready: byTestId('not-found-page') },
];
const ROLE_PAGES = {
  reviewer: [
    { path: '/', ready: `body:has(${byTestId('my-work')}):has(${byTestId('dashboard')}[data-status="ready"])` },
    { path: '/reports', ready: byTestId('reports-to-review') },
    { path: '/supervision', ready: byTestId('overdue-table') },
    { path: '/my-agency', ready: `${byTestId('agency-page')}[data-status="ready"]` },
    { path: `/tasks/${PLAN}/5`, ready: byTestId('deliverable-report') },
    { path: '/admin/api-keys', ready: byTestId('api-keys-page') },
    { path: '/applications', ready: `${byTestId('applications-page')}[data-status="ready"]` },
  ],
  applicant: [
    { path: '/applications', ready: `${byTestId('applications-page')}[data-status="ready"]` },
    ...(CALL_ID ? [{ path: `/calls/${CALL_ID}`, ready: byTestId('apply-start') }] : []),
  ],
  expert: [{ path: '/reviews', ready: `${byTestId('reviews-page')}[data-status="ready"]` }],
  admin: [
    { path: '/', ready: `body:has(${byTestId('work-to-escalate')} tbody tr):has(${byTestId('dashboard')}[data-status="ready"]):has(${byTestId('chart-overdue-table')} tbody tr)` },
    { path: '/supervision', ready: byTestId('overdue-by-agency') },
    { path: '/admin/users', ready: '[data-testid^="user-row-"]' },
    { path: '/admin/api-keys', ready: byTestId('api-keys-page') },
    { path: '/applications', ready: `${byTestId('applications-page')}[data-status="ready"]` },
    { path: '/admin/programs', ready: byTestId('program-row') },
    { path: '/admin/calendar', ready: `${byTestId('admin-calendar-page')}[data-status="ready"]` },
    ...(CALL_ID ? [{ path: `/admin/quotas/${CALL_ID}`, ready: byTestId('quota-editor') }] : []),
  ],
};

async function pageWidth(page) {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, window: window.innerWidth }));
}

async function newContext({ viewport, language, storageState }) {
  const browser = await getBrowser();
  const context = await browser.newContext({ viewport, storageState });
  await context.addInitScript((lng) => window.localStorage.setItem('tpp.lang', lng), language);
  return context;
}

async function signIn(role) {
  const { username, password } = ROLES[role];
  expect(username && password, `set ${role.toUpperCase()}_USERNAME and ${role.toUpperCase()}_PASSWORD`);
  const context = await newContext({ viewport: DESKTOP, language: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto(`${BASE_URL}/login`);
    await page.locator(byTestId('login-username')).fill(username);
    await page.locator(byTestId('login-password')).fill(password);
    await page.locator(byTestId('login-submit')).click();
    await page.locator(`${byTestId('user-menu')}[data-status="signedIn"]`).first().waitFor({ timeout: 15_000 });
    return await context.storageState();
  } finally {
    await context.close();
  }
}

async function open(page, { path, ready }) {
  await page.goto(BASE_URL + path, { waitUntil: 'domcontentloaded' });
  await page.locator(ready).first().waitFor({ timeout: 20_000 });
  // Let animations (progress bars, charts) settle before colours are measured.
  await page.waitForTimeout(300);
}

/** axe and the page's width at desktop size, in Chinese, for every page the role opens. */
async function checkPages(report, role, pages, storageState) {
  const context = await newContext({ viewport: DESKTOP, language: 'zh-CN', storageState });
  const page = await context.newPage();
  const titles = new Set();
  try {
    for (const target of pages) {
      await report.check(`${role} ${target.path}: no WCAG 2.1 A/AA violation, no sideways scroll`, async () => {
        await open(page, target);
        const violations = await axeViolations(page);
        expect(violations.length === 0, violations.join('; '));
        const width = await pageWidth(page);
        expect(width.scroll <= width.window, `${width.scroll}px wide in a ${width.window}px window`);
        const title = await page.title();
        expect(!titles.has(title) || target.path.startsWith('/my-agency'), `title "${title}" repeats`);
        titles.add(title);
        return title;
      });
    }
  } finally {
    await context.close();
  }
}

/** The role's home and the public pages at phone width, in both languages: fits, the menu opens. */
async function checkPhone(report, role, pages, storageState) {
  for (const language of ['zh-CN', 'en']) {
    const context = await newContext({ viewport: PHONE, language, storageState });
    const page = await context.newPage();
    try {
      for (const target of pages) {
        await report.check(`${role} ${target.path} at 390 px in ${language}: fits, the menu opens`, async () => {
          await open(page, target);
          const width = await pageWidth(page);
          expect(width.scroll <= width.window, `${width.scroll}px wide in a ${width.window}px window`);
          const lang = await page.evaluate(() => document.documentElement.lang);
          expect(lang === language, `<html lang="${lang}">`);
          await page.locator(byTestId('nav-toggle')).click();
          const menu = page.locator(byTestId('nav-drawer'));
          await menu.locator(byTestId('nav-tasks')).waitFor({ timeout: 5_000 });
          const box = await menu.locator(byTestId('nav-tasks')).boundingBox();
          expect(box && box.width >= 44 && box.height >= 24, `menu entry is ${box?.width}×${box?.height}`);
          const account = role === 'public' ? 'sign-in-link' : 'sign-out';
          expect(await menu.locator(byTestId(account)).isVisible(), `${account} is not visible in the menu`);
          const violations = await axeViolations(page);
          expect(violations.length === 0, violations.join('; '));
          await page.keyboard.press('Escape');
          await menu.waitFor({ state: 'hidden', timeout: 5_000 });
        });
      }
      if (language === 'en') {
        await report.check(`${role} home in English reads English`, async () => {
          await open(page, pages[0]);
          const product = (await page.locator(byTestId('product-name')).textContent())?.trim();
          expect(product === 'Talent Plan Platform', `product name "${product}"`);
          await screenshot(page, `${role}-home-phone-en.png`);
        });
      }
    } finally {
      await context.close();
    }
  }
}

/** A reviewer of the lead agency files progress on task 5 and accepts it; an administrator escalates. */
async function checkWork(report, reviewerState, adminState) {
  const context = await newContext({ viewport: DESKTOP, language: 'zh-CN', storageState: reviewerState });
  const page = await context.newPage();
  try {
    await report.check('a reviewer files progress on a deliverable their agency owns', async () => {
      await open(page, { path: `/tasks/${PLAN}/5`, ready: byTestId('deliverable-report') });
      await page.locator(byTestId('deliverable-report')).first().click();
      const form = page.locator(byTestId('report-form'));
      await form.waitFor();
      await page.locator(`${byTestId('report-period')}`).click();
      await page.locator('.ant-select-item-option').first().click();
      await page.locator('input[data-testid="report-value"], [data-testid="report-value"] input').first().fill('12000');
      await page.locator(byTestId('report-narrative')).fill('（浏览器测试）累计储备博士、博士后。');
      await page.locator(byTestId('report-submit')).click();
      await form.waitFor({ state: 'hidden', timeout: 15_000 }).catch(async () => {
        const error = await page.locator(`${byTestId('report-form')} ${byTestId('error-alert')}`).textContent().catch(() => null);
        throw new Error(error ? `not filed: ${error.trim()}` : 'the form did not close');
      });
    });

    await report.check('the lead agency accepts the pending report from its home page', async () => {
      await open(page, { path: '/', ready: byTestId('work-to-review') });
      const accept = page.locator(`${byTestId('work-to-review')} ${byTestId('report-accept')}`).first();
      await accept.waitFor({ timeout: 15_000 });
      const before = await page.locator(`${byTestId('work-to-review')} ${byTestId('report-accept')}`).count();
      await accept.click();
      await page.locator(byTestId('review-comment')).fill('（浏览器测试）核实无误。');
      await page.locator(byTestId('review-submit')).click();
      await page.locator(byTestId('review-form')).waitFor({ state: 'hidden', timeout: 15_000 });
      await page.waitForFunction(
        ([selector, count]) => document.querySelectorAll(selector).length < count,
        [`${byTestId('work-to-review')} ${byTestId('report-accept')}`, before],
        { timeout: 15_000 },
      );
    });
  } finally {
    await context.close();
  }

  const adminContext = await newContext({ viewport: DESKTOP, language: 'zh-CN', storageState: adminState });
  const adminPage = await adminContext.newPage();
  try {
    // Liaoning's plan ended on 2020-12-31: its overdue reports are final and the service refuses to escalate them
    // (409 plan_ended), so the page offers no escalation and says why.
    await report.check("an ended plan's overdue reports offer no escalation, and the page says why", async () => {
      await open(adminPage, { path: `/supervision?agency=prov-hrss-dept`, ready: byTestId('overdue-table-row') });
      const ended = adminPage.locator(`${byTestId('overdue-table-row')}[data-key*="/prov-hrss-dept/"] ${byTestId('overdue-plan-ended')}`);
      expect((await ended.count()) > 0, 'no row of the ended plan says it is ended');
      const buttons = await adminPage.locator(`${byTestId('overdue-table-row')}:has(a[href^="/tasks/${PLAN}/"]) ${byTestId('overdue-escalate')}`).count();
      expect(buttons === 0, `${buttons} escalation buttons on the ended plan's rows`);
      const notice = (await adminPage.locator(byTestId('plan-ended-notice')).textContent()) ?? '';
      expect(notice.includes('2020') && notice.includes('结束'), `notice reads "${notice.trim()}"`);
      const asOf = adminPage.locator(`${byTestId('supervision-as-of')}[data-status="final"]`);
      expect(await asOf.isVisible(), 'the page does not say it judges at the plan\'s end date');
      return notice.trim().slice(0, 40);
    });

    // A plan that is still running (none is loaded by default: TPP_PLAN_FILES adds one) escalates one rung.
    const running = adminPage.locator(`${byTestId('overdue-table-row')}:has(${byTestId('overdue-escalate')})`);
    await open(adminPage, { path: '/supervision', ready: byTestId('overdue-table-row') });
    if ((await running.count()) > 0) {
      await report.check("an administrator escalates a running plan's overdue report one rung", async () => {
        const row = running.first();
        const key = await row.getAttribute('data-key');
        const before = await row.locator(byTestId('overdue-level')).getAttribute('data-status');
        await row.locator(byTestId('overdue-escalate')).click();
        await adminPage.locator(byTestId('escalate-note')).fill('（浏览器测试）请于五个工作日内报送。');
        await adminPage.locator(byTestId('escalate-submit')).click();
        await adminPage.locator(byTestId('escalate-form')).waitFor({ state: 'hidden', timeout: 15_000 });
        const after = adminPage.locator(`[data-key="${key}"] ${byTestId('overdue-level')}`);
        await adminPage.waitForFunction(
          ([selector, old]) => document.querySelector(selector)?.getAttribute('data-status') !== old,
          [`[data-key="${key}"] ${byTestId('overdue-level')}`, before],
          { timeout: 15_000 },
        );
        return `${before} → ${await after.getAttribute('data-status')}`;
      });
    } else {
      console.log('skip   escalation of a running plan: no running plan has overdue reports');
    }
  } finally {
    await adminContext.close();
  }
}

/** Opens a page of the role's and waits for the application page to show `state`. */
async function openApplication(page, id, state) {
  await open(page, { path: `/applications/${id}`, ready: `${byTestId('application-state')}[data-status="${state}"]` });
}

/** Takes one step of the workflow from the application page (with a comment when given). */
async function takeStep(page, action, comment) {
  await page.locator(byTestId(`action-${action}`)).click();
  const form = page.locator(byTestId('action-form'));
  await form.waitFor();
  if (comment) await page.locator(byTestId('action-comment')).fill(comment);
  await page.locator(byTestId('action-confirm')).click();
  await form.waitFor({ state: 'hidden', timeout: 30_000 }).catch(async () => {
    const error = await page.locator(`${byTestId('action-form')} ${byTestId('error-alert')}`).textContent().catch(() => null);
    throw new Error(error ? `${action} refused: ${error.trim()}` : `${action}: the dialog did not close`);
  });
}

/** Picks an option of an antd Select (the rjsf form's and the page's own). */
async function choose(page, selector, label) {
  await page.locator(selector).first().click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option:has-text("${label}")`).first().click();
}

/**
 * The applications workflow through the pages: an applicant applies from the call's form and sees the
 * timeline; the reviewing agency returns it and the applicant resubmits; an expert scores; the agency puts it
 * on notice and the public files a named objection; an administrator changes a quota.
 */
async function checkApplications(report, states) {
  if (!CALL_ID || !states.applicant) {
    console.log('skip   applications: set CALL_ID and APPLICANT_USERNAME/APPLICANT_PASSWORD');
    return;
  }
  const contexts = {};
  const pageOf = async (role) => {
    contexts[role] ??= await newContext({ viewport: DESKTOP, language: 'zh-CN', storageState: states[role] });
    return contexts[role].pages()[0] ?? contexts[role].newPage();
  };
  let applicationId;
  try {
    const applicant = await pageOf('applicant');
    await report.check('an applicant applies from the call\'s form and sees the timeline', async () => {
      await open(applicant, { path: `/calls/${CALL_ID}`, ready: byTestId('apply-start') });
      await choose(applicant, byTestId('apply-nominator'), '沈阳市');
      await applicant.locator(byTestId('apply-start')).click();
      await applicant.waitForURL(/\/applications\/\d+$/, { timeout: 15_000 });
      applicationId = Number(new URL(applicant.url()).pathname.split('/').pop());
      await applicant.locator('#root_applicant_name').waitFor({ timeout: 20_000 });
      await applicant.locator('#root_applicant_name').fill('浏览器测试博士后');
      await applicant.locator('#root_unit').fill('测试大学（虚构）');
      await applicant.locator('#root_position').fill('博士后研究人员');
      await choose(applicant, '#root_discipline', '工程技术');
      await choose(applicant, '#root_highest_degree', '博士');
      await applicant.locator('#root_research_field').fill('智能制造');
      await applicant.locator('#root_full_time_in_province').check();
      await applicant.locator('#root_achievements').fill('（浏览器测试）在站期间主持省级课题一项，成果在省内企业应用。');
      await applicant.locator('#root_declaration').check();
      await applicant.locator(byTestId('personal-id_number')).fill('210102199501064255');
      await applicant.locator(byTestId('personal-phone')).fill('13900009999');
      await applicant.locator(byTestId('personal-email')).fill('browser-postdoc@example.com');
      await applicant.locator(byTestId('personal-birth_date')).fill('1995-01-06');
      await applicant.locator(byTestId('application-save')).click();
      await applicant.locator(byTestId('application-saved')).waitFor({ timeout: 15_000 }).catch(async () => {
        const error = await applicant.locator(`${byTestId('application-actions')} ${byTestId('error-alert')}`).textContent().catch(() => null);
        throw new Error(error ? `not saved: ${error.trim()}` : 'not saved');
      });
      await applicant.locator(byTestId('attachment-label')).fill('在站证明');
      await applicant.locator(byTestId('attachment-file')).setInputFiles({ name: 'proof.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%浏览器测试\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') });
      await applicant.locator(byTestId('attachment-upload')).click();
      await applicant.locator(byTestId('attachment-row')).first().waitFor({ timeout: 15_000 });
      await takeStep(applicant, 'submit');
      await applicant.locator(`${byTestId('application-state')}[data-status="submitted"]`).waitFor({ timeout: 15_000 });
      const events = await applicant.locator(byTestId('timeline-event')).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-status')));
      expect(events.join() === 'draft,submitted', `timeline ${events.join()}`);
      const violations = await axeViolations(applicant);
      expect(violations.length === 0, `the application page: ${violations.join('; ')}`);
      const width = await pageWidth(applicant);
      expect(width.scroll <= width.window, `the application page is ${width.scroll}px wide in a ${width.window}px window`);
      return `application ${applicationId}`;
    });
    if (!applicationId) return;

    await report.check('the reviewing agency returns it with a reason and the applicant resubmits', async () => {
      const admin = await pageOf('admin');
      await openApplication(admin, applicationId, 'submitted');
      await takeStep(admin, 'nominate', '（浏览器测试）同意推荐。');
      await admin.locator(`${byTestId('application-state')}[data-status="nominated"]`).waitFor({ timeout: 15_000 });
      const reviewer = await pageOf('reviewer');
      await openApplication(reviewer, applicationId, 'nominated');
      await takeStep(reviewer, 'start_formal_review');
      await reviewer.locator(`${byTestId('application-state')}[data-status="formal_review"]`).waitFor({ timeout: 15_000 });
      await takeStep(reviewer, 'return_for_revision', '（浏览器测试）请补充在站期间成果的证明材料。');
      await reviewer.locator(`${byTestId('application-state')}[data-status="returned"]`).waitFor({ timeout: 15_000 });
      await openApplication(applicant, applicationId, 'returned');
      const returned = await applicant.locator(`${byTestId('timeline-event')}[data-status="returned"]`).textContent();
      expect(returned?.includes('请补充在站期间成果的证明材料'), `the applicant does not read the reason: ${returned}`);
      await applicant.locator('#root_achievements').fill('（浏览器测试）在站期间主持省级课题一项，成果在省内企业应用；补充证明材料见附件。');
      await takeStep(applicant, 'resubmit', '已补充材料。');
      await applicant.locator(`${byTestId('application-state')}[data-status="formal_review"]`).waitFor({ timeout: 15_000 });
      const events = await applicant.locator(byTestId('timeline-event')).count();
      return `${events} timeline entries`;
    });

    if (!states.expert) {
      console.log('skip   an expert scores, the notice and a named objection: the gateway has no expert role yet');
    } else {
      await report.check('an expert declares no conflict and scores', async () => {
        const reviewer = await pageOf('reviewer');
        await openApplication(reviewer, applicationId, 'formal_review');
        await takeStep(reviewer, 'pass_formal_review');
        await reviewer.locator(byTestId('expert-username')).fill(process.env.EXPERT_SUBJECT ?? '');
        await reviewer.locator(byTestId('expert-name')).fill('浏览器测试专家');
        await reviewer.locator(byTestId('expert-assign')).click();
        await reviewer.locator(`${byTestId('application-experts')} tbody tr:has-text("浏览器测试专家")`).waitFor({ timeout: 15_000 });
        const expert = await pageOf('expert');
        const card = `${byTestId('assignment-card')}[data-key="${applicationId}"]`;
        await open(expert, { path: '/reviews', ready: `${card} ${byTestId('declare-submit')}` });
        await expert.locator(`${card} ${byTestId('declare-no-conflict')}`).click();
        await expert.locator(`${card} ${byTestId('declare-submit')}`).click();
        await expert.locator(`${card} ${byTestId('score-form')}`).waitFor({ timeout: 15_000 });
        for (const input of await expert.locator(`${card} ${byTestId('score-form')} .ant-input-number input`).all()) await input.fill('5');
        await expert.locator(`${card} ${byTestId('score-comment')}`).fill('（浏览器测试）科研能力突出。');
        await expert.locator(`${card} ${byTestId('score-submit')}`).click();
        await expert.locator(`${card} ${byTestId('score-submitted')}`).waitFor({ timeout: 15_000 });
        const violations = await axeViolations(expert);
        expect(violations.length === 0, `the expert's page: ${violations.join('; ')}`);
        return (await expert.locator(`${card} ${byTestId('score-total')}`).textContent())?.trim();
      });

      await report.check('the agency recommends and publishes a notice; the public files a named objection', async () => {
        const reviewer = await pageOf('reviewer');
        await openApplication(reviewer, applicationId, 'expert_review');
        await takeStep(reviewer, 'recommend');
        await reviewer.locator(`${byTestId('application-state')}[data-status="recommended"]`).waitFor({ timeout: 15_000 });
        await takeStep(reviewer, 'publish_notice');
        await reviewer.locator(`${byTestId('application-state')}[data-status="public_notice"]`).waitFor({ timeout: 15_000 });
        const visitor = await (await newContext({ viewport: PHONE, language: 'zh-CN' })).newPage();
        try {
          await open(visitor, { path: '/notices', ready: `${byTestId('notice-entry')}[data-key="${applicationId}"]` });
          await visitor.locator(`${byTestId('notice-entry')}[data-key="${applicationId}"] ${byTestId('notice-object')}`).click();
          // Without a name the form refuses, as the notice says.
          await visitor.locator(byTestId('objection-reason')).fill('（浏览器测试）成果署名存在争议。');
          await visitor.locator(byTestId('objection-submit')).click();
          await visitor.locator(`${byTestId('objection-form')} .ant-form-item-explain-error`).first().waitFor({ timeout: 5_000 });
          await visitor.locator(byTestId('objection-name')).fill('浏览器测试异议人');
          await visitor.locator(byTestId('objection-contact')).fill('objector@example.com');
          await visitor.locator(byTestId('objection-submit')).click();
          await visitor.locator(byTestId('objection-receipt')).waitFor({ timeout: 15_000 });
          await openApplication(reviewer, applicationId, 'on_hold');
        } finally {
          await visitor.context().close();
        }
      });
    }

    await report.check('an administrator changes a quota with a reason; the rules refuse too many places', async () => {
      const admin = await pageOf('admin');
      await open(admin, { path: `/admin/quotas/${CALL_ID}`, ready: byTestId('quota-editor') });
      const size = admin.locator(`${byTestId('allocation-row')}[data-key="city-shenyang"] input`);
      const total = Number(await admin.locator(`${byTestId('quota-total')} input, input${byTestId('quota-total')}`).first().inputValue());
      const before = Number(await size.inputValue());
      await size.fill(String(total + 1));
      await admin.locator(byTestId('quota-reason')).fill('（浏览器测试）沈阳市申报人数较多，增加名额。');
      await admin.locator(byTestId('quota-problems')).waitFor({ timeout: 5_000 });
      expect(await admin.locator(byTestId('quota-save')).isDisabled(), `saving ${total + 1} of ${total} places is offered`);
      await size.fill(String(before + 1));
      await admin.locator(byTestId('quota-problems')).waitFor({ state: 'hidden', timeout: 5_000 });
      await admin.locator(byTestId('quota-save')).click();
      await admin.locator(byTestId('quota-saved')).waitFor({ timeout: 15_000 });
      await admin.locator(`${byTestId('quota-changes')} tbody tr:has-text("沈阳市申报人数较多")`).first().waitFor({ timeout: 15_000 });
      const public_ = await admin.locator(`${byTestId('admin-quota-table')} [data-key="city-shenyang"]`).textContent();
      expect(public_?.includes(String(before + 1)), `the public table reads ${public_}`);
      return `沈阳市 ${before} → ${before + 1} of ${total}`;
    });
  } finally {
    for (const context of Object.values(contexts)) await context.close();
  }
}

// E2E_PART: "pages" runs only the page checks (axe, widths, phones) of the roles in E2E_ROLES (comma-separated,
// "public" among them; all when unset), "work" only the reporting, review, escalation and applications checks,
// "all" (the default) both. The test suite runs the parts as separate tests, so its workers share them.
const part = process.env.E2E_PART ?? 'all';
const onlyRoles = process.env.E2E_ROLES ? process.env.E2E_ROLES.split(',') : null;
const pagesOf = (role) => part !== 'work' && (!onlyRoles || onlyRoles.includes(role));
await runChecks(async (report) => {
  console.log(`e2e: every page as each role at ${BASE_URL} (${part}${onlyRoles ? `: ${onlyRoles.join(', ')}` : ''})`);
  if (pagesOf('public')) {
    await checkPages(report, 'public', PUBLIC_PAGES, undefined);
    await checkPhone(report, 'public', PUBLIC_PAGES.slice(0, 6), undefined);
  }
  const states = {};
  for (const role of Object.keys(ROLES)) {
    if (part === 'pages' && !pagesOf(role)) continue;
    states[role] = await signIn(role);
    if (!pagesOf(role)) continue;
    await checkPages(report, role, ROLE_PAGES[role], states[role]);
    await checkPhone(report, role, ROLE_PAGES[role].slice(0, 1), states[role]);
  }
  if (part !== 'pages') {
    await checkWork(report, states.reviewer, states.admin);
    await checkApplications(report, states);
  }
});
