import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ADMIN, AGENCY_ADMIN, signedIn } from '../../test/fixtures';
import { bodyOf, callsTo, headerOf, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';
import { yuanToFen } from './fundingApi';

const AWARD = {
  id: 'approval-11-aa',
  application_id: '11',
  program_code: 't01-outstanding',
  rule_version: 1,
  fiscal_year: 2019,
  grantee_ref: 'application:11',
  grantee_name: '甲博士',
  agency_code: 'prov-org-dept',
  city_code: 'city-shenyang',
  amount_fen: 300_000_000,
  status: 'committed',
  matching: false,
  installments: [
    { number: 1, percent: 50, amount_fen: 150_000_000, paid: true, transfer_id: 'installment:approval-11-aa:1' },
    { number: 2, percent: 30, amount_fen: 90_000_000, paid: false, transfer_id: null },
    { number: 3, percent: 20, amount_fen: 60_000_000, paid: false, transfer_id: null },
  ],
  committed_fen: 300_000_000,
  paid_fen: 150_000_000,
  remaining_fen: 150_000_000,
  released_fen: 0,
  release_id: null,
  reservation_id: 'approval-11-aa',
  expires_at: null,
  computation: {},
  created_at: '2026-11-30T02:00:00Z',
};
const REPORT = { kind: 'programs', fiscal_year: null, rows: [], totals: { appropriated: 0, reserved: 0, committed: 0, disbursed: 0, available: 0, awards: 0 } };

describe('AwardPage', () => {
  it('shows the award’s figures and installments, and records a disbursement of an unpaid installment', async () => {
    signedIn();
    let award = AWARD;
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/funding/awards/approval-11-aa': () => jsonResponse(award),
      'POST /api/v1/funding/awards/approval-11-aa/disbursements': () => {
        award = { ...AWARD, paid_fen: 240_000_000, remaining_fen: 60_000_000, installments: AWARD.installments.map((item) => (item.number === 2 ? { ...item, paid: true, transfer_id: 'installment:approval-11-aa:2' } : item)) };
        return jsonResponse({ award, transfer: { id: 'installment:approval-11-aa:2', amount: 90_000_000, effective_amount: 90_000_000, status: 'posted', created_at: '2026-11-30T03:00:00Z' } }, 201);
      },
    });
    await renderApp('/funding/awards/approval-11-aa');

    expect(await screen.findByTestId('award-status')).toHaveAttribute('data-status', 'committed');
    expect(screen.getByTestId('award-amount')).toHaveTextContent('资助金额（元）3,000,000.00');
    expect(screen.getByTestId('award-paid')).toHaveTextContent('1,500,000.00');
    expect(screen.getByTestId('award-remaining')).toHaveTextContent('1,500,000.00');
    expect(screen.getAllByTestId('installment-row').map((row) => within(row).getByTestId('installment-paid').getAttribute('data-status'))).toEqual(['paid', 'unpaid', 'unpaid']);
    expect(screen.getByTestId('disburse-amount')).toHaveTextContent('本次拨付金额：900,000.00 元');

    fireEvent.click(screen.getByTestId('disburse-submit'));
    fireEvent.click(await screen.findByTestId('disburse-confirm'));
    expect(await screen.findByTestId('disburse-done')).toHaveTextContent('已拨付第 2 期：900,000.00 元');
    await waitFor(() => expect(screen.getByTestId('award-paid')).toHaveTextContent('2,400,000.00'));
    expect(screen.getByTestId('disburse-amount')).toHaveTextContent('600,000.00 元');
    const posts = callsTo(fetchMock, 'POST', '/api/v1/funding/awards/approval-11-aa/disbursements');
    expect(posts).toHaveLength(1);
    expect(bodyOf(posts[0]![1])).toEqual({ installment: 2 });
    expect(headerOf(posts[0]![1], 'Idempotency-Key')).toMatch(/^disbursement-/);
  });

  it('says in the service’s words why a disbursement was refused', async () => {
    signedIn();
    mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/funding/awards/approval-11-aa': () => jsonResponse(AWARD),
      'POST /api/v1/funding/awards/approval-11-aa/disbursements': () =>
        problemResponse(409, 'commitment_insufficient', '拨付超出已承诺金额：账户 commitment 还可拨付 0.00 元，本次需要 900000.00 元。'),
    });
    await renderApp('/funding/awards/approval-11-aa');
    fireEvent.click(await screen.findByTestId('disburse-submit'));
    fireEvent.click(await screen.findByTestId('disburse-confirm'));
    expect(await screen.findByText('拨付超出已承诺金额：账户 commitment 还可拨付 0.00 元，本次需要 900000.00 元。')).toBeInTheDocument();
  });

  it('does not offer an installment larger than what remains to pay', async () => {
    signedIn();
    mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/funding/awards/approval-11-aa': () => jsonResponse({ ...AWARD, remaining_fen: 50_000_000 }),
    });
    await renderApp('/funding/awards/approval-11-aa');
    expect(await screen.findByTestId('disburse-over')).toHaveTextContent('该期金额 900,000.00 元 超过待拨付余额 500,000.00 元');
    expect(screen.getByTestId('disburse-submit')).toBeDisabled();
  });

  it('shows agency staff the award without the payment form', async () => {
    signedIn();
    mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(AGENCY_ADMIN),
      'GET /api/v1/funding/awards/approval-11-aa': () => jsonResponse(AWARD),
    });
    await renderApp('/funding/awards/approval-11-aa');
    expect(await screen.findByText('仅管理员可以记录拨付。')).toBeInTheDocument();
    expect(screen.queryByTestId('disburse-form')).not.toBeInTheDocument();
  });
});

describe('AwardsPage', () => {
  it('pages by key: next sends the cursor the service gave as `after`, previous goes back', async () => {
    signedIn();
    const second = { ...AWARD, id: 'approval-12-bb', grantee_name: '乙博士' };
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/funding/reports/programs': () => jsonResponse(REPORT),
      'GET /api/v1/funding/awards': (url) =>
        url.searchParams.get('after') === 'CURSOR1'
          ? jsonResponse({ items: [second], total: null, page: 1, size: 20, next: null })
          : jsonResponse({ items: [AWARD], total: 2, page: 1, size: 20, next: 'CURSOR1' }),
    });
    await renderApp('/funding/awards');

    expect(await screen.findByTestId('award-link')).toHaveTextContent('甲博士');
    expect(screen.getByTestId('award-link')).toHaveAttribute('href', '/funding/awards/approval-11-aa');
    expect(screen.getByTestId('awards-previous')).toBeDisabled();
    fireEvent.click(screen.getByTestId('awards-next'));
    await waitFor(() => expect(screen.getByTestId('award-link')).toHaveTextContent('乙博士'));
    expect(screen.getByTestId('awards-next')).toBeDisabled();
    fireEvent.click(screen.getByTestId('awards-previous'));
    await waitFor(() => expect(screen.getByTestId('award-link')).toHaveTextContent('甲博士'));
    const afters = callsTo(fetchMock, 'GET', '/api/v1/funding/awards').map(([url]) => url.searchParams.get('after'));
    expect(afters).toContain('CURSOR1');
    expect(callsTo(fetchMock, 'GET', '/api/v1/funding/awards')[0]![0].searchParams.get('size')).toBe('20');
  });
});

describe('yuanToFen', () => {
  it('reads yuan exactly, with at most two decimals', () => {
    expect(yuanToFen('1,234.5')).toBe(123_450);
    expect(yuanToFen('0.07')).toBe(7);
    expect(yuanToFen('3000000')).toBe(300_000_000);
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('-5')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
  });
});
