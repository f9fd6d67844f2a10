import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { AGENCY_ADMIN, AGENCY_PAGE, PENDING_REPORT, PLAN_PAGE, signedIn, TASK_5 } from '../../test/fixtures';
import { bodyOf, callsTo, headerOf, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';

function reviewerApi(decide: (url: URL) => Response) {
  let pending = [PENDING_REPORT];
  return mockApi({
    'GET /api/v1/auth/me': () => jsonResponse(AGENCY_ADMIN),
    'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
    'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
    'GET /api/v1/agencies/tasks/liaoning-2018-2020/5': () => jsonResponse(TASK_5),
    'GET /api/v1/agencies/reports': (url) =>
      url.searchParams.get('awaiting_review_by') === 'prov-hrss-dept'
        ? jsonResponse({ items: pending, total: pending.length, page: 1, size: 10 })
        : jsonResponse({ items: [], total: 0, page: 1, size: 10 }),
    'POST /api/v1/agencies/reports/7/accept': (url) => {
      const answer = decide(url);
      if (answer.ok) pending = [];
      return answer;
    },
    'POST /api/v1/agencies/reports/7/return': (url) => {
      const answer = decide(url);
      if (answer.ok) pending = [];
      return answer;
    },
  });
}

describe('ReportsPage', () => {
  it('lists the reports the agency reviews, by indicator, and accepts one with an Idempotency-Key', async () => {
    signedIn();
    const fetchMock = reviewerApi(() => jsonResponse({ ...PENDING_REPORT, status: 'accepted' }));
    await renderApp('/reports');

    const row = await screen.findByTestId('reports-to-review-row-7');
    await waitFor(() => expect(row).toHaveTextContent('储备博士、博士后'));
    expect(row).toHaveTextContent('省教育厅');
    expect(row).toHaveTextContent('2019-Q2');
    expect(row).toHaveTextContent('1,200 人');
    expect(row).toHaveTextContent('2019年7月5日 10:00 （北京时间）');
    expect(document.title).toBe('进度报送 · 人才计划平台');

    fireEvent.click(within(row).getByTestId('report-accept'));
    const form = await screen.findByTestId('review-form');
    expect(form).toHaveTextContent('https://example.gov.cn/report.pdf');
    fireEvent.click(screen.getByTestId('review-submit'));

    await waitFor(() => expect(screen.queryByTestId('reports-to-review-row-7')).not.toBeInTheDocument());
    const [accept] = callsTo(fetchMock, 'POST', '/api/v1/agencies/reports/7/accept');
    expect(bodyOf(accept![1])).toEqual({ comment: '' });
    expect(headerOf(accept![1], 'Idempotency-Key')).toMatch(/^review-accept-[0-9a-f]{32}$/);
  });

  it('returns a report only with a reason, and sends the same Idempotency-Key when the first try failed', async () => {
    signedIn();
    let attempts = 0;
    const fetchMock = reviewerApi(() => {
      attempts += 1;
      return attempts === 1 ? problemResponse(503, 'service_busy', '服务繁忙，请稍后重试。') : jsonResponse({ ...PENDING_REPORT, status: 'returned' });
    });
    await renderApp('/reports');

    fireEvent.click(within(await screen.findByTestId('reports-to-review-row-7')).getByTestId('report-return'));
    await screen.findByTestId('review-form');
    fireEvent.click(screen.getByTestId('review-submit'));
    expect(await screen.findByText('退回时须说明原因')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', '/api/v1/agencies/reports/7/return')).toHaveLength(0);

    fireEvent.change(screen.getByTestId('review-comment'), { target: { value: '请补充佐证材料。' } });
    fireEvent.click(screen.getByTestId('review-submit'));
    expect(await within(screen.getByTestId('review-form')).findByText('服务繁忙，请稍后重试。')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('review-submit'));

    await waitFor(() => expect(screen.queryByTestId('reports-to-review-row-7')).not.toBeInTheDocument());
    const calls = callsTo(fetchMock, 'POST', '/api/v1/agencies/reports/7/return');
    expect(calls).toHaveLength(2);
    expect(calls.map(([, init]) => bodyOf(init))).toEqual([{ comment: '请补充佐证材料。' }, { comment: '请补充佐证材料。' }]);
    expect(headerOf(calls[0]![1], 'Idempotency-Key')).toBe(headerOf(calls[1]![1], 'Idempotency-Key'));
  });
});
