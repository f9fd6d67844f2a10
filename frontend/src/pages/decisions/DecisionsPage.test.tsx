import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ADMIN, AGENCY_ADMIN, signedIn } from '../../test/fixtures';
import { CALL, RETURNED_APPLICATION } from '../../test/applicationsFixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, renderApp } from '../../test/utils';

const label = (zh: string, en: string) => ({ zh, en });
const READY = { state: 'ready_for_decision', state_label: label('公示期满，待审批', 'Notice over, awaiting the decision') };
const { form: _form, form_data: _data, personal: _personal, allowed_actions: _actions, timeline: _timeline, attachments: _files, amount_fen: _fen, amount_yuan: _yuan, ...SUMMARY } = RETURNED_APPLICATION;
const ready = (id: number, name: string) => ({ ...SUMMARY, ...READY, id, applicant_name: name });
const LIST = [ready(11, '甲博士'), ready(12, '乙博士'), ready(13, '丙博士')];
const page = (items: unknown[]) => ({ items, total: items.length, page: 1, size: 100 });

const OUTCOMES = [
  { application_id: 11, approval_id: 'approval-11-aa', outcome: 'approved', code: null, message: label('已批准：名额与资金均已落实。', 'Approved: the place and the money are secured.'), detail: {} },
  { application_id: 12, approval_id: 'approval-12-bb', outcome: 'failed', code: 'budget_insufficient', message: label('预算 budget:t05:2026 可用额度不足：剩余可用 50000.00 元，本次需要 100000.00 元。', 'Budget is short.'), detail: { headroom_fen: 5_000_000, amount_fen: 10_000_000 } },
  { application_id: 13, approval_id: null, outcome: 'refused', code: 'quota_exhausted', message: label('本批次名额已用完：共 1 个，已批准 1 个，审批中 0 个。', 'The quota is exhausted.'), detail: { total: 1, approved: 1, reserved: 0 } },
];

const APPROVAL = {
  id: 'approval-11-aa',
  application_id: 11,
  call_id: 1,
  program_code: 't05-postdoc-living-subsidy',
  fiscal_year: 2026,
  city_code: 'city-shenyang',
  amount_fen: 10_000_000,
  status: 'approved',
  money: 'posted',
  counted: true,
  failure_code: null,
  failure_zh: null,
  failure_en: null,
  failure_detail: null,
  decided_by: 'user:1',
  created_at: '2026-11-30T02:00:00Z',
  updated_at: '2026-11-30T02:00:01Z',
  revoked_at: null,
  revoked_by: null,
  revoke_reason: null,
  steps: [],
};

describe('DecisionsPage', () => {
  it('approves a selected recommended list in one request and shows each application its own outcome', async () => {
    signedIn();
    let decided = false;
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/applications/calls/1': () => jsonResponse(CALL),
      'GET /api/v1/applications/applications': (url) => {
        if (url.searchParams.get('state') === 'approved') return jsonResponse(page(decided ? [{ ...LIST[0], state: 'approved', state_label: label('已批准', 'Approved') }] : []));
        return jsonResponse(page(decided ? LIST.slice(1) : LIST));
      },
      'POST /api/v1/applications/decisions': () => {
        decided = true;
        return jsonResponse(OUTCOMES);
      },
    });
    await renderApp('/decisions/1');

    await waitFor(() => expect(screen.getAllByTestId('ready-row')).toHaveLength(3));
    expect(screen.getByTestId('decision-quota-total')).toHaveTextContent('20');
    expect(screen.getByTestId('decide-approve-selected')).toBeDisabled();
    for (const name of ['甲博士', '乙博士', '丙博士']) fireEvent.click(screen.getByLabelText(`选择 ${name}`));
    fireEvent.click(screen.getByTestId('decide-approve-selected'));
    fireEvent.change(await screen.findByTestId('decide-comment'), { target: { value: '经研究同意' } });
    fireEvent.click(screen.getByTestId('decide-confirm'));

    const outcomes = await screen.findAllByTestId('decision-outcome');
    expect(outcomes.map((row) => row.getAttribute('data-status'))).toEqual(['approved', 'budgetShort', 'quotaExhausted']);
    expect(outcomes[0]).toHaveTextContent('#11 甲博士');
    expect(outcomes[0]).toHaveTextContent('已批准');
    expect(within(outcomes[1]!).getByTestId('outcome-budget')).toHaveTextContent('预算可用 50,000.00 元，本件需要 100,000.00 元');
    expect(outcomes[2]).toHaveTextContent('名额已满');
    expect(screen.getByTestId('outcomes-summary')).toHaveTextContent('批准 1 件，未批准 2 件');
    const posts = callsTo(fetchMock, 'POST', '/api/v1/applications/decisions');
    expect(posts).toHaveLength(1);
    expect(bodyOf(posts[0]![1])).toEqual({ decision: 'approve', comment: '经研究同意', application_ids: [11, 12, 13] });
    // The lists are read again: the approved one has left the recommended list.
    await waitFor(() => expect(screen.getAllByTestId('ready-row')).toHaveLength(2));
    expect(screen.getAllByTestId('approved-row')).toHaveLength(1);
  });

  it('rejects one application only with a reason', async () => {
    signedIn();
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/applications/calls/1': () => jsonResponse(CALL),
      'GET /api/v1/applications/applications': (url) => jsonResponse(page(url.searchParams.get('state') === 'approved' ? [] : LIST.slice(0, 1))),
      'POST /api/v1/applications/decisions': () => jsonResponse([{ application_id: 11, approval_id: null, outcome: 'rejected', code: null, message: label('不予批准。', 'Not approved.'), detail: {} }]),
    });
    await renderApp('/decisions/1');

    fireEvent.click(await screen.findByTestId('decide-reject-one'));
    await screen.findByTestId('decide-comment');
    expect(screen.getByTestId('decide-confirm')).toBeDisabled();
    fireEvent.change(screen.getByTestId('decide-comment'), { target: { value: '业绩材料不实' } });
    fireEvent.click(screen.getByTestId('decide-confirm'));
    expect(await screen.findByTestId('decision-outcome')).toHaveAttribute('data-status', 'rejected');
    expect(bodyOf(callsTo(fetchMock, 'POST', '/api/v1/applications/decisions')[0]![1])).toEqual({ decision: 'reject', comment: '业绩材料不实', application_ids: [11] });
  });

  it('revokes an approval with a reason', async () => {
    signedIn();
    let approval: object = APPROVAL;
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/applications/calls/1': () => jsonResponse(CALL),
      'GET /api/v1/applications/applications': (url) => jsonResponse(page(url.searchParams.get('state') === 'approved' ? [{ ...LIST[0], state: 'approved', state_label: label('已批准', 'Approved') }] : [])),
      'GET /api/v1/applications/applications/11/approvals': () => jsonResponse([approval]),
      'POST /api/v1/applications/approvals/approval-11-aa/revoke': () => {
        approval = { ...APPROVAL, status: 'revoked', money: 'reversed', revoked_by: 'user:1', revoke_reason: '异议成立' };
        return jsonResponse(approval);
      },
    });
    await renderApp('/decisions/1');

    const row = await screen.findByTestId('approved-row');
    fireEvent.click(within(row).getByRole('button'));
    const approvalRow = await screen.findByTestId('approval-row');
    expect(approvalRow).toHaveTextContent('已承诺');
    expect(within(approvalRow).getByRole('link')).toHaveAttribute('href', '/funding/awards/approval-11-aa');
    fireEvent.click(within(approvalRow).getByTestId('approval-revoke'));
    fireEvent.change(await screen.findByTestId('revoke-reason'), { target: { value: '异议成立' } });
    fireEvent.click(screen.getByTestId('revoke-confirm'));
    await waitFor(() => expect(screen.getByTestId('approval-row')).toHaveAttribute('data-status', 'revoked'));
    expect(screen.getByTestId('approval-row')).toHaveTextContent('已由 user:1 撤销：异议成立');
    expect(bodyOf(callsTo(fetchMock, 'POST', '/api/v1/applications/approvals/approval-11-aa/revoke')[0]![1])).toEqual({ reason: '异议成立' });
  });

  it('lists the calls awaiting a decision and shows the reconciler’s last report, run again on demand', async () => {
    signedIn();
    const report = (id: number, fixed: unknown[]) => ({ id, trigger: 'admin', actor: 'user:1', started_at: '2026-11-30T02:00:00Z', finished_at: '2026-11-30T02:00:01Z', fixed, summary: { checked: 4, steps_taken: 2, agencies_resent: 1, funding_unavailable: false } });
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/applications/applications': () => jsonResponse(page(LIST)),
      'GET /api/v1/applications/reconciler/report': () => jsonResponse(null),
      'POST /api/v1/applications/reconciler/runs': () => jsonResponse(report(7, [{ approval_id: 'approval-11-aa', action: 'money_posted', detail: 'reserved → posted' }, { approval_id: 'approval-12-bb', action: 'count_resent', detail: '' }])),
    });
    await renderApp('/decisions');

    const link = await screen.findByTestId('decision-call-link');
    expect(link).toHaveAttribute('href', '/decisions/1');
    expect(screen.getByTestId('decision-calls')).toHaveTextContent('3');
    expect(await screen.findByTestId('reconciler-none')).toHaveTextContent('对账程序尚未运行。');
    fireEvent.click(screen.getByTestId('reconciler-run'));
    expect(await screen.findByTestId('reconciler-finished')).toHaveTextContent('管理员触发');
    expect(screen.getByTestId('reconciler-checked')).toHaveTextContent('4');
    expect(screen.getByTestId('reconciler-fixed')).toHaveTextContent('2');
    expect(screen.getByTestId('reconciler-lines')).toHaveTextContent('资金已过账');
    expect(screen.getByTestId('reconciler-lines')).toHaveTextContent('重发目标任务计数');
    expect(callsTo(fetchMock, 'POST', '/api/v1/applications/reconciler/runs')).toHaveLength(1);
  });

  it('is for administrators only', async () => {
    signedIn();
    mockApi({ 'GET /api/v1/auth/me': () => jsonResponse(AGENCY_ADMIN) });
    await renderApp('/decisions');
    expect(await screen.findByText('无权访问')).toBeInTheDocument();
  });
});
