import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ADMIN, CITY_DETAIL, HRSS, HRSS_DETAIL, signedIn } from '../../test/fixtures';
import { callsTo, headerOf, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';

describe('AgencyPage', () => {
  it('lists the tasks it leads and shares, and asks anonymous visitors to sign in for overdue items', async () => {
    mockApi({
      'GET /api/v1/agencies/agencies/prov-hrss-dept': () => jsonResponse(HRSS_DETAIL),
      'GET /api/v1/agencies/supervision/overdue': () => problemResponse(401, 'login_required', '请先登录或提供有效的 API 密钥。'),
    });
    await renderApp('/agencies/prov-hrss-dept');

    expect(await screen.findByTestId('agency-name')).toHaveTextContent('省人力资源社会保障厅');
    expect(screen.getByTestId('agency-kind')).toHaveTextContent('政府部门');
    const lead = screen.getByTestId('agency-leads-row-5');
    expect(within(lead).getByTestId('agency-task-link')).toHaveAttribute('href', '/tasks/liaoning-2018-2020/5');
    expect(within(lead).getByTestId('agency-task-progress')).toHaveAttribute('data-percent', '26.3');
    expect(screen.getByTestId('agency-shares-row-1')).toHaveTextContent('实施高层次人才培养支持计划');
    expect(await screen.findByTestId('overdue-restricted')).toHaveTextContent('登录后可查看本单位的督办事项。');
  });

  it("shows a signed-in user the agency's overdue reports", async () => {
    signedIn('access-7');
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/agencies/agencies/prov-hrss-dept': () => jsonResponse(HRSS_DETAIL),
      'GET /api/v1/agencies/supervision/overdue': () =>
        jsonResponse({
          items: [
            {
              agency: HRSS,
              plan_code: 'liaoning-2018-2020',
              task_number: 5,
              deliverable_code: 't05-doctors-postdocs',
              indicator: '储备博士、博士后',
              period: '2019-Q1',
              deadline: '2019-04-15',
              state: 'missing',
              submitted_at: null,
              days_overdue: 120,
              escalation: { step: 2, level: 'interview', level_name: '约谈', escalated_at: '2019-06-01T00:00:00Z' },
              next_level: 'inquiry',
            },
          ],
          total: 1,
          page: 1,
          size: 10,
          as_of: '2019-08-13',
          by_agency: [],
        }),
    });
    await renderApp('/agencies/prov-hrss-dept');

    const table = await screen.findByTestId('overdue-table');
    expect(await within(table).findByText('储备博士、博士后')).toBeInTheDocument();
    expect(table).toHaveTextContent('未上报');
    expect(table).toHaveTextContent('120 天');
    expect(table).toHaveTextContent('约谈');
    const [url, init] = callsTo(fetchMock, 'GET', '/api/v1/agencies/supervision/overdue')[0]!;
    expect(url.searchParams.get('agency')).toBe('prov-hrss-dept');
    expect(headerOf(init, 'Authorization')).toBe('Bearer access-7');
  });

  it('shows a city reached through 各市', async () => {
    mockApi({
      'GET /api/v1/agencies/agencies/city-shenyang': () => jsonResponse(CITY_DETAIL),
      'GET /api/v1/agencies/supervision/overdue': () => problemResponse(401, 'login_required', '请先登录。'),
    });
    await renderApp('/agencies/city-shenyang');

    expect(await screen.findByTestId('agency-name')).toHaveTextContent('沈阳市');
    expect(screen.getByText('该单位不牵头任何任务')).toBeInTheDocument();
    expect(screen.getByTestId('agency-shares-row-5')).toHaveTextContent('通过“各市”');
  });
});
