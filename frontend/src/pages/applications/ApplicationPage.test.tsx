import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ADMIN, AGENCY_ADMIN, APPLICANT, signedIn } from '../../test/fixtures';
import { FORM, FORMAL_REVIEW_APPLICATION, RETURNED_APPLICATION } from '../../test/applicationsFixtures';
import { bodyOf, callsTo, headerOf, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';

describe('ApplicationPage', () => {
  it('shows the applicant the reason it was returned, the form from its schema, and resubmits after saving the change', async () => {
    signedIn();
    let application: object = RETURNED_APPLICATION;
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(APPLICANT),
      'GET /api/v1/applications/applications/5': () => jsonResponse(application),
      'GET /api/v1/applications/forms/talent-person': () => jsonResponse(FORM),
      'PATCH /api/v1/applications/applications/5': () => jsonResponse(application),
      'POST /api/v1/applications/applications/5/transitions': () => {
        application = { ...RETURNED_APPLICATION, state: 'formal_review', state_label: { zh: '形式审查中', en: 'In formal review' }, allowed_actions: [] };
        return jsonResponse(application);
      },
    });
    await renderApp('/applications/5');

    expect(await screen.findByTestId('application-state')).toHaveAttribute('data-status', 'returned');
    const returned = screen.getAllByTestId('timeline-event').find((node) => node.getAttribute('data-status') === 'returned');
    expect(returned).toHaveTextContent('请补充在站期间成果的证明材料。');
    expect(screen.getByTestId('attachment-row')).toHaveTextContent('proof.pdf');

    // The form's code (rjsf) loads on first use, which jsdom takes its time over.
    const form = await screen.findByTestId('application-form', {}, { timeout: 60_000 });
    const achievements = within(form).getByLabelText(/主要业绩与贡献/) as HTMLTextAreaElement;
    expect(achievements.value).toBe('在站期间主持省级课题一项。');
    fireEvent.change(achievements, { target: { value: '在站期间主持省级课题一项，补充证明材料见附件。' } });

    fireEvent.click(screen.getByTestId('action-resubmit'));
    fireEvent.change(await screen.findByTestId('action-comment'), { target: { value: '已补充材料。' } });
    fireEvent.click(screen.getByTestId('action-confirm'));

    await waitFor(() => expect(screen.getByTestId('application-state')).toHaveAttribute('data-status', 'formal_review'));
    const [saved] = callsTo(fetchMock, 'PATCH', '/api/v1/applications/applications/5');
    expect((bodyOf(saved![1]) as { form_data: { achievements: string } }).form_data.achievements).toBe('在站期间主持省级课题一项，补充证明材料见附件。');
    expect((bodyOf(saved![1]) as { personal: object }).personal).not.toHaveProperty('masked');
    const [step] = callsTo(fetchMock, 'POST', '/api/v1/applications/applications/5/transitions');
    expect(bodyOf(step![1])).toEqual({ action: 'resubmit', comment: '已补充材料。' });
    expect(headerOf(step![1], 'Idempotency-Key')).toMatch(/^transition-/);
  });

  it("lets the reviewing agency return an application only with a reason, and shows the service's refusal", async () => {
    signedIn();
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(AGENCY_ADMIN),
      'GET /api/v1/applications/applications/5': () => jsonResponse(FORMAL_REVIEW_APPLICATION),
      'GET /api/v1/applications/forms/talent-person': () => jsonResponse(FORM),
      'GET /api/v1/applications/applications/5/reviews': () => jsonResponse({ application_id: 5, min_experts: 1, complete: 0, average_total: null, assignments: [] }),
      'POST /api/v1/applications/applications/5/transitions': () =>
        problemResponse(409, 'transition_not_allowed', '当前状态不能退回修改。', { allowed_actions: ['pass_formal_review'] }),
    });
    await renderApp('/applications/5');

    const actions = await screen.findByTestId('application-actions');
    expect(within(actions).queryByTestId('application-save')).not.toBeInTheDocument();
    expect(await screen.findByTestId('application-experts')).toHaveTextContent('已完成评分 0 份（至少需要 1 份）');
    fireEvent.click(within(actions).getByTestId('action-return_for_revision'));
    const confirm = await screen.findByTestId('action-confirm');
    expect(confirm).toBeDisabled();
    fireEvent.change(screen.getByTestId('action-comment'), { target: { value: '请补充证明材料。' } });
    expect(confirm).toBeEnabled();
    fireEvent.click(confirm);
    expect(await within(screen.getByTestId('action-form')).findByText(/当前状态不能退回修改/)).toBeInTheDocument();
    expect(bodyOf(callsTo(fetchMock, 'POST', '/api/v1/applications/applications/5/transitions')[0]![1])).toEqual({ action: 'return_for_revision', comment: '请补充证明材料。' });
  });

  it('shows an administrator the way to the decision, and an approved application’s approvals', async () => {
    signedIn();
    let state = 'ready_for_decision';
    mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/applications/applications/5': () => jsonResponse({ ...RETURNED_APPLICATION, state, state_label: { zh: state, en: state }, allowed_actions: [] }),
      'GET /api/v1/applications/forms/talent-person': () => jsonResponse(FORM),
      'GET /api/v1/applications/applications/5/reviews': () => jsonResponse({ application_id: 5, min_experts: 1, complete: 1, average_total: 84, assignments: [] }),
      'GET /api/v1/applications/applications/5/approvals': () =>
        jsonResponse(state === 'approved' ? [{ id: 'approval-5-aa', application_id: 5, call_id: 1, program_code: 't05-postdoc-living-subsidy', fiscal_year: 2026, city_code: null, amount_fen: 10_000_000, status: 'approved', money: 'posted', counted: true, failure_code: null, failure_zh: null, failure_en: null, failure_detail: null, decided_by: 'user:1', created_at: '2026-11-30T02:00:00Z', updated_at: '2026-11-30T02:00:00Z', revoked_at: null, revoked_by: null, revoke_reason: null, steps: [] }] : []),
    });
    const { unmount } = await renderApp('/applications/5');
    expect(await screen.findByTestId('application-decide')).toHaveAttribute('href', '/decisions/1');
    unmount();

    state = 'approved';
    await renderApp('/applications/5');
    const row = await screen.findByTestId('approval-row');
    expect(row).toHaveAttribute('data-status', 'approved');
    expect(within(row).getByTestId('approval-revoke')).toBeInTheDocument();
    expect(screen.queryByTestId('application-decide')).not.toBeInTheDocument();
  });
});
