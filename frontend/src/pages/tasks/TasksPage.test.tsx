import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { AGENCY_PAGE, PLAN, PLAN_PAGE, TASK_1_SUMMARY, TASK_5_SUMMARY } from '../../test/fixtures';
import { callsTo, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';

function catalogApi(tasks = (_url: URL) => jsonResponse({ items: [TASK_1_SUMMARY, TASK_5_SUMMARY], total: 2, page: 1, size: 20 })) {
  return mockApi({
    'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
    'GET /api/v1/agencies/plans/liaoning-2018-2020': () => jsonResponse(PLAN),
    'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
    'GET /api/v1/agencies/tasks': tasks,
  });
}

describe('TasksPage', () => {
  it('renders one row per task with its lead and responsible agencies as links', async () => {
    const fetchMock = catalogApi();
    await renderApp('/tasks');

    const row5 = await screen.findByTestId('task-row-5');
    expect(screen.getAllByTestId(/^task-row-/).map((row) => row.getAttribute('data-testid'))).toEqual(['task-row-1', 'task-row-5']);
    const title = within(row5).getByRole('rowheader');
    const cells = within(row5).getAllByRole('cell');
    expect(cells[0]).toHaveTextContent('5');
    expect(within(title).getByTestId('task-link')).toHaveAttribute('href', '/tasks/liaoning-2018-2020/5');
    expect(within(title).getByTestId('task-link')).toHaveTextContent('实施青年英才储备计划');
    expect(within(cells[1]!).getByTestId('agency-link')).toHaveAttribute('href', '/agencies/prov-hrss-dept');
    expect(cells[1]).toHaveTextContent('省人力资源社会保障厅');
    expect(within(cells[2]!).getAllByTestId('agency-link').map((link) => link.textContent)).toEqual(['省教育厅', '省财政厅', '各市']);
    expect(within(cells[4]!).getByTestId('task-progress')).toHaveAttribute('data-percent', '12.5');
    expect(within(cells[4]!).getByRole('progressbar')).toHaveAccessibleName('实施青年英才储备计划，12.5%');
    expect(within(screen.getByTestId('task-row-1')).getAllByRole('cell')[4]).toHaveTextContent('未设定');
    expect(document.title).toBe('任务清单 · 人才计划平台');

    // The list is asked for at once, not after the plan list: without a plan in the URL it names none.
    const [url] = callsTo(fetchMock, 'GET', '/api/v1/agencies/tasks')[0]!;
    expect(url.searchParams.has('plan')).toBe(false);
    expect(url.searchParams.get('page')).toBe('1');
    expect(url.searchParams.get('size')).toBe('20');
    expect(url.searchParams.has('q')).toBe(false);
  });

  it('sends the Chinese search text as q and shows what the service found', async () => {
    const fetchMock = catalogApi((url) =>
      url.searchParams.get('q') === '博士后'
        ? jsonResponse({ items: [TASK_5_SUMMARY], total: 1, page: 1, size: 20 })
        : jsonResponse({ items: [TASK_1_SUMMARY, TASK_5_SUMMARY], total: 2, page: 1, size: 20 }),
    );
    await renderApp('/tasks');
    await screen.findByTestId('task-row-1');

    const search = within(screen.getByTestId('task-search')).getByRole('searchbox');
    fireEvent.change(search, { target: { value: ' 博士后 ' } });
    fireEvent.submit(screen.getByTestId('task-search'));

    await waitFor(() => expect(screen.queryByTestId('task-row-1')).not.toBeInTheDocument());
    expect(screen.getByTestId('task-row-5')).toBeInTheDocument();
    const searched = callsTo(fetchMock, 'GET', '/api/v1/agencies/tasks').at(-1)![0];
    expect(searched.searchParams.get('q')).toBe('博士后');
    expect(searched.search).toContain(`q=${encodeURIComponent('博士后')}`);
    expect(new URLSearchParams(window.location.search).get('q')).toBe('博士后');
  });

  it('filters by agency and role, and shows the empty state', async () => {
    const fetchMock = catalogApi((url) =>
      url.searchParams.get('agency') ? jsonResponse({ items: [], total: 0, page: 1, size: 20 }) : jsonResponse({ items: [TASK_5_SUMMARY], total: 1, page: 1, size: 20 }),
    );
    await renderApp('/tasks?agency=prov-finance-dept&role=lead');

    expect(await screen.findByText('没有符合条件的任务')).toBeInTheDocument();
    const [url] = callsTo(fetchMock, 'GET', '/api/v1/agencies/tasks').at(-1)!;
    expect(url.searchParams.get('agency')).toBe('prov-finance-dept');
    expect(url.searchParams.get('role')).toBe('lead');
  });

  it('shows the service error with a retry', async () => {
    mockApi({
      'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
      'GET /api/v1/agencies/plans/liaoning-2018-2020': () => jsonResponse(PLAN),
      'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
      'GET /api/v1/agencies/tasks': () => problemResponse(503, 'service_unavailable', '服务暂不可用。'),
    });
    await renderApp('/tasks');

    const alert = await screen.findByTestId('error-alert');
    expect(alert).toHaveTextContent('无法加载任务清单');
    expect(alert).toHaveTextContent('服务暂不可用。');
    expect(within(alert).getByRole('button', { name: '重试' })).toBeInTheDocument();
  });
});
