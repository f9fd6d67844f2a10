// The public catalog in a real browser against the running platform: the task list and its Chinese
// search, a task page, the responsibility matrix and an agency page, with text from the loaded plan.
//   BASE_URL=http://127.0.0.1:8000 CHROMIUM_PATH=/usr/bin/chromium node e2e/catalog.mjs
import { BASE_URL, expect, screenshot, withPage, runChecks } from './browser.mjs';

const byTestId = (id) => `[data-testid="${id}"]`;
const PLAN = 'liaoning-2018-2020';
const TEXT = {
  task1: '实施高层次人才培养支持计划',
  task5: '实施青年英才储备计划',
  search: '博士后',
  hrss: '省人力资源社会保障厅',
  org: '省委组织部',
  lead: '牵头',
  responsible: '责任',
};

async function textOf(locator) {
  return ((await locator.first().textContent({ timeout: 10_000 })) ?? '').trim();
}

async function catalogChecks(report) {
  console.log(`e2e: ${BASE_URL}/tasks`);
  await withPage('/tasks', async (page, { response, pageErrors }) => {
    const listed = await report.check('GET /tasks serves the app and lists tasks', async () => {
      expect(response && response.status() === 200, `HTTP ${response?.status()}`);
      await page.locator(byTestId('task-row-1')).waitFor({ timeout: 15_000 });
      const rows = await page.locator('[data-testid^="task-row-"]').count();
      expect(rows >= 10, `${rows} rows`);
      return `${rows} rows`;
    });

    await report.check(`task 1 reads "${TEXT.task1}"`, async () => {
      const row = await textOf(page.locator(byTestId('task-row-1')));
      expect(row.includes(TEXT.task1), `row 1 reads "${row.slice(0, 60)}"`);
    });

    const searched = listed && (await report.check(`search "${TEXT.search}" finds task 5 only among matches`, async () => {
      const input = page.locator(`${byTestId('task-search')} input`);
      await input.fill(TEXT.search);
      await input.press('Enter');
      await page.waitForURL((url) => url.searchParams.get('q') === TEXT.search, { timeout: 10_000 });
      await page.locator(byTestId('task-row-5')).waitFor({ timeout: 10_000 });
      await page.locator(byTestId('task-row-1')).waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {
        throw new Error('task 1 (no 博士后 in it) is still listed');
      });
      const rows = await page.locator('[data-testid^="task-row-"]').count();
      const row = await textOf(page.locator(byTestId('task-row-5')));
      expect(row.includes(TEXT.task5), `row 5 reads "${row.slice(0, 60)}"`);
      return `${rows} matching`;
    }));

    await report.check('the task page shows the clause, owners and progress bars', async () => {
      if (searched) await page.locator(`${byTestId('task-row-5')} ${byTestId('task-link')}`).click();
      else await page.goto(`${BASE_URL}/tasks/${PLAN}/5`);
      await page.waitForURL(`**/tasks/${PLAN}/5`, { timeout: 10_000 });
      await page.locator(`${byTestId('task-page')}[data-status="ready"]`).waitFor({ timeout: 15_000 });
      const title = await textOf(page.locator(byTestId('task-title')));
      expect(title === TEXT.task5, `title "${title}"`);
      const clause = await textOf(page.locator(byTestId('task-clause')));
      expect(clause.includes(TEXT.search), 'clause does not mention 博士后');
      const lead = await textOf(page.locator(byTestId('task-lead-agencies')));
      expect(lead.includes(TEXT.hrss), `lead agencies "${lead}"`);
      const bars = await page.locator(byTestId('deliverable-progress')).count();
      expect(bars >= 1, 'no deliverable progress bar');
      const status = await page.locator(byTestId('deliverable-progress')).first().getAttribute('data-status');
      expect(['green', 'amber', 'red'].includes(status ?? ''), `progress status "${status}"`);
      return `${bars} progress bar(s), first ${status}`;
    });

    await report.check('screenshot of the task page saved', () => screenshot(page, 'task.png'));

    await report.check('the matrix marks 牵头 and 责任 for task 5', async () => {
      await page.locator(`${byTestId('nav-matrix')}`).click();
      await page.locator(byTestId('matrix-table')).waitFor({ timeout: 15_000 });
      const row = page.locator(byTestId('matrix-row-5'));
      const leadCell = await textOf(row.locator('td[data-agency="prov-hrss-dept"]'));
      expect(leadCell === TEXT.lead, `省人社厅 cell reads "${leadCell}"`);
      const respCell = await textOf(row.locator('td[data-agency="prov-education-dept"]'));
      expect(respCell === TEXT.responsible, `省教育厅 cell reads "${respCell}"`);
      const header = await textOf(page.locator(`${byTestId('matrix-table')} thead`));
      expect(header.includes(TEXT.org), 'no 省委组织部 column');
      const columns = await page.locator(`${byTestId('matrix-table')} thead th`).count();
      return `${columns - 1} agency columns`;
    });

    await report.check('the matrix header row and task column stay in place when scrolled', async () => {
      const sticky = await page.evaluate(() => {
        const th = document.querySelector('[data-testid="matrix-table"] thead th:nth-child(2)');
        const first = document.querySelector('[data-testid="matrix-row-5"] th');
        return [th && getComputedStyle(th).position, first && getComputedStyle(first).position];
      });
      expect(sticky[0] === 'sticky' && sticky[1] === 'sticky', `positions ${JSON.stringify(sticky)}`);
    });

    await report.check('the CSV and XLSX downloads answer 200', async () => {
      for (const id of ['matrix-download-csv', 'matrix-download-xlsx']) {
        const href = await page.locator(byTestId(id)).getAttribute('href');
        const answer = await page.request.get(BASE_URL + href);
        expect(answer.status() === 200, `${href}: HTTP ${answer.status()}`);
        if (id.endsWith('csv')) {
          const text = await answer.text();
          expect(text.includes(TEXT.task5), 'CSV lacks task 5');
        }
      }
    });

    await report.check('screenshot of the matrix saved', () => screenshot(page, 'matrix.png'));

    await report.check(`the agency page of ${TEXT.hrss} lists what it leads`, async () => {
      await page.locator(`${byTestId('matrix-col-prov-hrss-dept')} a`).click();
      await page.waitForURL('**/agencies/prov-hrss-dept', { timeout: 10_000 });
      await page.locator(`${byTestId('agency-page')}[data-status="ready"]`).waitFor({ timeout: 15_000 });
      const name = await textOf(page.locator(byTestId('agency-name')));
      expect(name === TEXT.hrss, `name "${name}"`);
      const leads = await textOf(page.locator(byTestId('agency-leads')));
      expect(leads.includes(TEXT.task5), 'task 5 not among the tasks it leads');
      await page.locator(byTestId('overdue-section')).waitFor({ timeout: 10_000 });
    });

    await report.check('no uncaught errors in the page', async () => {
      expect(pageErrors.length === 0, pageErrors.join(' | '));
    });
  });
}

await runChecks(async (report) => {
  await catalogChecks(report);
});
