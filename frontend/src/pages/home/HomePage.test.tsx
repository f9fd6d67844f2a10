import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { AGENCY_ADMIN, AGENCY_PAGE, OVERDUE_ITEM, overduePage, PENDING_REPORT, PLAN, PLAN_PAGE, signedIn, TASK_1_SUMMARY, TASK_5, TASK_5_SUMMARY } from '../../test/fixtures';
import { jsonResponse, mockApi, renderApp } from '../../test/utils';

const TASK_1 = { ...TASK_5, number: 1, title: TASK_1_SUMMARY.title, deliverables: [] };

function catalog(extra = {}) {
  return mockApi({
    'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
    'GET /api/v1/agencies/plans/liaoning-2018-2020': () => jsonResponse(PLAN),
    'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
    'GET /api/v1/agencies/tasks': () => jsonResponse({ items: [TASK_1_SUMMARY, TASK_5_SUMMARY], total: 2, page: 1, size: 100 }),
    'GET /api/v1/agencies/tasks/liaoning-2018-2020/5': () => jsonResponse(TASK_5),
    'GET /api/v1/agencies/tasks/liaoning-2018-2020/1': () => jsonResponse(TASK_1),
    ...extra,
  });
}

describe('HomePage', () => {
  it('shows visitors the plan in figures, each chart with a data table whose rows link to the list it sums up', async () => {
    catalog();
    await renderApp('/');

    await waitFor(() => expect(screen.getByTestId('dashboard')).toHaveAttribute('data-status', 'ready'));
    expect(document.title).toBe('首页 · 人才计划平台');
    expect(screen.getByTestId('dashboard-as-of')).toHaveTextContent('统计截至 2019年6月30日');
    for (const status of ['green', 'amber', 'red']) {
      expect(screen.getByTestId(`dashboard-count-${status}`)).toHaveAttribute('href', `/deliverables?status=${status}`);
      expect(screen.getByTestId(`dashboard-count-${status}`)).toHaveTextContent('1');
    }
    const statusRows = within(screen.getByTestId('chart-status-table')).getAllByRole('link');
    expect(statusRows.map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['进度正常', '/deliverables?status=green'],
      ['进度偏慢', '/deliverables?status=amber'],
      ['进度滞后', '/deliverables?status=red'],
    ]);
    const lagging = within(screen.getByTestId('chart-lagging-table')).getAllByRole('link');
    expect(lagging.map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['省级博士后创新实践基地', '/tasks/liaoning-2018-2020/5#t05-innovation-bases'],
      ['博士后科研工作站', '/tasks/liaoning-2018-2020/5#t05-postdoc-stations'],
      ['储备博士、博士后', '/tasks/liaoning-2018-2020/5#t05-doctors-postdocs'],
    ]);
    expect(within(screen.getByTestId('chart-tasks-table')).getByRole('link')).toHaveAttribute('href', '/tasks/liaoning-2018-2020/5');
    expect(await screen.findByTestId('chart-status-chart', {}, { timeout: 15000 })).toHaveAccessibleName('进度正常 1，进度偏慢 1，进度滞后 1');
    expect(screen.queryByTestId('my-work')).not.toBeInTheDocument();
  });

  it('puts a reviewer’s work first: reports to review, reports to file, reports sent back', async () => {
    signedIn();
    catalog({
      'GET /api/v1/auth/me': () => jsonResponse(AGENCY_ADMIN),
      'GET /api/v1/agencies/reports': (url: URL) =>
        url.searchParams.get('status') === 'pending'
          ? jsonResponse({ items: [PENDING_REPORT], total: 1, page: 1, size: 5 })
          : jsonResponse({ items: [], total: 0, page: 1, size: 5 }),
      'GET /api/v1/agencies/supervision/overdue': () => jsonResponse(overduePage([OVERDUE_ITEM])),
    });
    await renderApp('/');

    const work = await screen.findByTestId('my-work');
    await waitFor(() => expect(work).toHaveTextContent('待本单位审核的报送（1）'));
    expect(work).toHaveTextContent('本单位应报未报（1）');
    expect(work).toHaveTextContent('被退回待重报（0）');
    expect(await within(work).findByTestId('report-accept')).toBeInTheDocument();
    fireEvent.click(await within(work).findByTestId('overdue-report'));
    const form = await screen.findByTestId('report-form');
    expect(form).toHaveTextContent('博士后科研工作站');
    await waitFor(() => expect(within(screen.getByTestId('report-period')).getByTitle('2019-Q3（2019-07-01 至 2019-09-30）')).toBeInTheDocument());
  });
});
