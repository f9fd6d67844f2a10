import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ADMIN, signedIn } from '../../test/fixtures';
import { CALL_SUMMARY, HRSS_REF } from '../../test/applicationsFixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, renderApp } from '../../test/utils';

const FIXED = {
  code: 't05-postdoc-living-subsidy',
  name: '博士后研究人员生活补贴',
  name_en: 'Postdoctoral researcher living subsidy',
  plan_code: 'liaoning-2018-2020',
  task_number: 5,
  task_title: '实施青年英才储备计划',
  rule_code: 't05-postdoc-living-subsidy',
  rule_kind: 'per_person_subsidy',
  tier_code: null,
  applicant_type: 'person',
  applicant_type_label: { zh: '个人', en: 'Person' },
  reviewing_agency: HRSS_REF,
  plan_quota: null,
  plan_quota_approximate: false,
  amount: CALL_SUMMARY.amount,
  source: 'plan',
};
const OPEN = {
  ...FIXED,
  code: 't14-expert-workstation-award',
  name: '专家工作站奖补',
  rule_code: 't14-expert-workstation-award',
  rule_kind: 'unspecified',
  amount: { ...CALL_SUMMARY.amount, status: 'not_decided', amount_fen: null, amount_yuan: null, max_amount_fen: null },
};

describe('AdminProgramsPage', () => {
  it('lets the administrator set the amount only of a rule the plan leaves open', async () => {
    signedIn();
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/applications/programs': () => jsonResponse({ items: [FIXED, OPEN], total: 2, page: 1, size: 100 }),
      'PATCH /api/v1/applications/programs/t14-expert-workstation-award': () => jsonResponse(OPEN),
    });
    await renderApp('/admin/programs');

    const rows = await screen.findAllByTestId('program-row');
    const fixed = rows.find((row) => row.getAttribute('data-key') === FIXED.code)!;
    const open = rows.find((row) => row.getAttribute('data-key') === OPEN.code)!;
    expect(fixed).toHaveTextContent('100,000 元');
    expect(within(fixed).queryByTestId('program-amount-save')).not.toBeInTheDocument();

    fireEvent.change(within(open).getByRole('spinbutton'), { target: { value: '50000' } });
    fireEvent.click(within(open).getByTestId('program-amount-save'));
    await waitFor(() => expect(callsTo(fetchMock, 'PATCH', '/api/v1/applications/programs/t14-expert-workstation-award')).toHaveLength(1));
    expect(bodyOf(callsTo(fetchMock, 'PATCH', '/api/v1/applications/programs/t14-expert-workstation-award')[0]![1])).toEqual({ decided_amount_fen: 5_000_000 });
  });
});
