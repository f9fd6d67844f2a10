import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { TASK_5 } from '../../test/fixtures';
import { callsTo, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';

describe('TaskPage', () => {
  it('shows the clause, the owners as links and one progress bar per deliverable coloured by status', async () => {
    const fetchMock = mockApi({ 'GET /api/v1/agencies/tasks/liaoning-2018-2020/5': () => jsonResponse(TASK_5) });
    await renderApp('/tasks/liaoning-2018-2020/5');

    expect(await screen.findByTestId('task-title')).toHaveTextContent('实施青年英才储备计划');
    expect(screen.getByTestId('task-clause')).toHaveTextContent('力争三年储备博士、博士后 2 万左右');
    expect(within(screen.getByTestId('task-lead-agencies')).getAllByTestId('agency-link').map((link) => link.getAttribute('href'))).toEqual([
      '/agencies/prov-hrss-dept',
    ]);
    expect(within(screen.getByTestId('task-responsible-agencies')).getAllByTestId('agency-link').map((link) => link.textContent)).toEqual([
      '省教育厅',
      '省财政厅',
      '各市',
    ]);

    const bars = screen.getAllByTestId('deliverable-progress');
    expect(bars.map((bar) => [bar.getAttribute('data-status'), bar.getAttribute('data-percent')])).toEqual([
      ['green', '45'],
      ['amber', '30'],
      ['red', '4'],
    ]);
    const strokes = bars.map((bar) => (bar.querySelector('.ant-progress-bg, .ant-progress-track') as HTMLElement | null)?.style.background);
    expect(strokes).toEqual(['rgb(56, 158, 13)', 'rgb(212, 136, 6)', 'rgb(207, 19, 34)']);
    expect(bars.map((bar) => bar.textContent)).toEqual(['45%', '30%', '4%']);

    const first = screen.getByTestId('deliverable-t05-doctors-postdocs');
    expect(within(first).getByTestId('deliverable-status')).toHaveTextContent('进度正常');
    expect(first).toHaveTextContent('约 20,000 人');
    expect(first).toHaveTextContent('9,000 人');
    expect(within(first).getByTestId('deliverable-reports')).toHaveTextContent('共 3 份：已采纳 2，待审核 1，已退回 0');
    expect(within(screen.getByTestId('deliverable-t05-innovation-bases')).getByTestId('deliverable-status')).toHaveTextContent('进度滞后');
    expect(screen.getByTestId('deliverable-t05-innovation-bases')).toHaveTextContent('按获批项目自动统计');
    expect(within(screen.getByTestId('deliverable-t05-postdoc-stations')).getByTestId('deliverable-reports')).toHaveTextContent('暂无上报记录');
    expect(callsTo(fetchMock, 'GET', '/api/v1/agencies/deliverables/t05-doctors-postdocs/reports')).toHaveLength(0);
  });

  it('loads the report history of a deliverable when asked', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/agencies/tasks/liaoning-2018-2020/5': () => jsonResponse(TASK_5),
      'GET /api/v1/agencies/deliverables/t05-doctors-postdocs/reports': () =>
        jsonResponse({
          items: [
            {
              id: 31,
              deliverable_code: 't05-doctors-postdocs',
              task: { plan_code: 'liaoning-2018-2020', number: 5, title: '实施青年英才储备计划' },
              agency: { code: 'prov-hrss-dept', name: '省人力资源社会保障厅', name_en: 'HRSS', kind: 'government_department' },
              period: '2019-Q2',
              value: 9000,
              unit: '人',
              narrative: '新增博士后科研工作站 12 家。',
              evidence: [],
              status: 'accepted',
              submitted_at: '2019-07-05T02:00:00Z',
              reviewed_at: '2019-07-09T02:00:00Z',
              review_comment: null,
            },
          ],
          total: 1,
          page: 1,
          size: 10,
        }),
    });
    await renderApp('/tasks/liaoning-2018-2020/5');

    const first = await screen.findByTestId('deliverable-t05-doctors-postdocs');
    fireEvent.click(within(first).getByTestId('toggle-reports'));
    const list = await within(first).findByTestId('report-list');
    expect(await within(list).findByText('新增博士后科研工作站 12 家。')).toBeInTheDocument();
    expect(list).toHaveTextContent('2019-Q2');
    expect(list).toHaveTextContent('已采纳');
    expect(callsTo(fetchMock, 'GET', '/api/v1/agencies/deliverables/t05-doctors-postdocs/reports')).toHaveLength(1);
  });

  it('says when the task does not exist', async () => {
    mockApi({
      'GET /api/v1/agencies/tasks/liaoning-2018-2020/99': () => problemResponse(404, 'task_not_found', '任务不存在。'),
    });
    await renderApp('/tasks/liaoning-2018-2020/99');

    expect(await screen.findByText('任务不存在')).toBeInTheDocument();
    expect(screen.getByTestId('task-page')).toHaveAttribute('data-status', 'not-found');
    expect(screen.getByText('计划 liaoning-2018-2020 中没有第 99 项任务。')).toBeInTheDocument();
  });
});
