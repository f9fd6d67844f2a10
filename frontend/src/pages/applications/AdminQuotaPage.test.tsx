import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ADMIN, signedIn } from '../../test/fixtures';
import { CALL, CALL_CATALOG } from '../../test/applicationsFixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, renderApp } from '../../test/utils';

describe('AdminQuotaPage', () => {
  it('shows the totals, refuses what the rules refuse, and changes an allocation with a reason', async () => {
    signedIn();
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/applications/calls': () => jsonResponse(CALL_CATALOG),
      'GET /api/v1/applications/calls/1': () => jsonResponse(CALL),
      'GET /api/v1/applications/calls/1/quota-changes': () => jsonResponse([]),
      'PUT /api/v1/applications/calls/1/allocations/city-dalian': () => jsonResponse(CALL.quota_detail),
    });
    await renderApp('/admin/quotas/1');

    const editor = await screen.findByTestId('quota-editor');
    expect(within(editor).getByTestId('quota-sums')).toHaveTextContent('已分配 14 / 总名额 20，未分配 6');
    const [dalian, shenyang] = within(editor).getAllByTestId('allocation-row');
    const dalianSize = within(dalian!).getByRole('spinbutton');
    const shenyangSize = within(shenyang!).getByRole('spinbutton');

    // 沈阳市 has nominated 8: fewer places than that is refused, and so are allocations above the total.
    fireEvent.change(shenyangSize, { target: { value: '7' } });
    fireEvent.change(dalianSize, { target: { value: '14' } });
    const problems = await screen.findByTestId('quota-problems');
    expect(problems).toHaveTextContent('沈阳市已推荐 8 人，分配名额不能少于此数');
    expect(problems).toHaveTextContent('请填写调整理由');
    fireEvent.change(shenyangSize, { target: { value: '10' } });
    await waitFor(() => expect(screen.getByTestId('quota-problems')).toHaveTextContent('各单位分配合计 24 超过总名额 20'));
    expect(screen.getByTestId('quota-save')).toBeDisabled();

    fireEvent.change(dalianSize, { target: { value: '6' } });
    fireEvent.change(screen.getByTestId('quota-reason'), { target: { value: '大连市申报人数较多。' } });
    await waitFor(() => expect(screen.queryByTestId('quota-problems')).not.toBeInTheDocument());
    fireEvent.click(screen.getByTestId('quota-save'));
    expect(await screen.findByTestId('quota-saved')).toBeInTheDocument();
    const puts = callsTo(fetchMock, 'PUT', '/api/v1/applications/calls/1/allocations/city-dalian');
    expect(puts).toHaveLength(1);
    expect(bodyOf(puts[0]![1])).toEqual({ size: 6, reason: '大连市申报人数较多。' });
  });
});
