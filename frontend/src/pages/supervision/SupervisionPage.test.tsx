import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ADMIN, AGENCY_PAGE, OVERDUE_ITEM, overduePage, PLAN_PAGE, signedIn, TASK_5 } from '../../test/fixtures';
import { bodyOf, callsTo, headerOf, jsonResponse, mockApi, renderApp } from '../../test/utils';

describe('SupervisionPage', () => {
  it('shows an administrator the overdue load per agency and escalates an item one rung with a note', async () => {
    signedIn();
    let item: object = OVERDUE_ITEM;
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
      'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
      'GET /api/v1/agencies/tasks/liaoning-2018-2020/5': () => jsonResponse(TASK_5),
      'GET /api/v1/agencies/supervision/overdue': () => jsonResponse(overduePage([item])),
      'GET /api/v1/agencies/supervision/escalations': () =>
        jsonResponse({
          items: [{ id: 1, deliverable_code: 't05-postdoc-stations', agency: OVERDUE_ITEM.agency, period: '2019-Q3', step: 1, level: 'reminder', level_name: '提醒', note: '请尽快报送。', actor: 'admin:user:1', created_at: '2019-10-20T01:00:00Z' }],
          total: 1,
          page: 1,
          size: 10,
        }),
      'POST /api/v1/agencies/supervision/escalations': () => {
        item = { ...OVERDUE_ITEM, escalation: { step: 2, level: 'interview', level_name: '约谈', escalated_at: '2019-11-14T01:00:00Z' }, next_level: 'inquiry' };
        return jsonResponse({}, 201);
      },
    });
    await renderApp('/supervision');

    const load = await screen.findByTestId('overdue-by-agency');
    await waitFor(() => expect(load).toHaveTextContent('省人力资源社会保障厅'));
    const row = await screen.findByTestId('overdue-table-row');
    expect(row).toHaveTextContent('博士后科研工作站');
    expect(row).toHaveTextContent('未上报');
    expect(row).toHaveTextContent('逾期 30 天');
    expect(within(row).getByTestId('overdue-level')).toHaveAttribute('data-status', 'reminder');

    fireEvent.click(within(row).getByTestId('overdue-escalate'));
    expect(await screen.findByText('督办升级：约谈')).toBeInTheDocument();
    expect(await screen.findByText('请尽快报送。')).toBeInTheDocument();
    fireEvent.change(screen.getByTestId('escalate-note'), { target: { value: '请于五个工作日内报送。' } });
    fireEvent.click(screen.getByTestId('escalate-submit'));

    await waitFor(() => expect(within(screen.getByTestId('overdue-table-row')).getByTestId('overdue-level')).toHaveAttribute('data-status', 'interview'));
    const [escalation] = callsTo(fetchMock, 'POST', '/api/v1/agencies/supervision/escalations');
    expect(bodyOf(escalation![1])).toEqual({
      deliverable: 't05-postdoc-stations',
      agency: 'prov-hrss-dept',
      period: '2019-Q3',
      level: 'interview',
      note: '请于五个工作日内报送。',
    });
    expect(headerOf(escalation![1], 'Idempotency-Key')).toMatch(/^escalation-[0-9a-f]{32}$/);
  });

  it("offers no escalation for an ended plan's overdue reports and says why, and the day it judges at", async () => {
    signedIn();
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
      'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
      'GET /api/v1/agencies/tasks/liaoning-2018-2020/5': () => jsonResponse(TASK_5),
      'GET /api/v1/agencies/supervision/overdue': () => jsonResponse(overduePage([{ ...OVERDUE_ITEM, days_overdue: 991 }], { final: true })),
    });
    await renderApp('/supervision');

    const row = await screen.findByTestId('overdue-table-row');
    expect(within(row).queryByTestId('overdue-escalate')).not.toBeInTheDocument();
    expect(within(row).getByTestId('overdue-plan-ended')).toHaveTextContent('方案已结束，不再督办');
    expect(screen.getByTestId('plan-ended-notice')).toHaveTextContent('方案已于 2020年12月31日 结束');
    expect(screen.getByTestId('plan-ended-notice')).toHaveTextContent('不能再督办升级');
    expect(screen.getByTestId('supervision-as-of')).toHaveAttribute('data-status', 'final');
    expect(callsTo(fetchMock, 'POST', '/api/v1/agencies/supervision/escalations')).toHaveLength(0);
  });
});
