import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { callsTo, jsonResponse, mockApi, renderApp } from '../../test/utils';

const ROW = { appropriated: 3_000_000_000, reserved: 100_000_000, committed: 200_000_000, disbursed: 50_000_000, available: 2_650_000_000, awards: 3 };
const PROGRAMS = {
  kind: 'programs',
  fiscal_year: null,
  rows: [
    { ...ROW, program_code: 't01-outstanding', program_name: '杰出人才培养支持', task_number: 1, lead_agencies: ['prov-org-dept'], fiscal_year: 2025 },
    { ...ROW, program_code: 't01-outstanding', program_name: '杰出人才培养支持', task_number: 1, lead_agencies: ['prov-org-dept'], fiscal_year: 2026 },
  ],
  totals: { appropriated: 6_000_000_000, reserved: 200_000_000, committed: 400_000_000, disbursed: 100_000_000, available: 5_300_000_000, awards: 6 },
};

describe('FundingPage', () => {
  it('shows appropriated, reserved, committed, disbursed and available per programme and year, and filters by year', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/funding/reports/programs': (url) =>
        jsonResponse(url.searchParams.get('fiscal_year') === '2026' ? { ...PROGRAMS, fiscal_year: 2026, rows: [PROGRAMS.rows[1]], totals: { ...ROW } } : PROGRAMS),
    });
    await renderApp('/funding');

    await waitFor(() => expect(screen.getByTestId('funding-total-appropriated')).toHaveTextContent('6,000 万元'));
    expect(screen.getByTestId('funding-total-available')).toHaveTextContent('5,300 万元');
    expect(screen.getAllByTestId('funding-row')).toHaveLength(2);
    expect(screen.getAllByTestId('funding-row')[0]).toHaveTextContent('杰出人才培养支持');
    expect(screen.getByText('下载 CSV')).toHaveAttribute('href', '/api/v1/funding/reports/programs?format=csv');

    fireEvent.change(screen.getByTestId('funding-year'), { target: { value: '2026' } });
    await waitFor(() => expect(screen.getAllByTestId('funding-row')).toHaveLength(1));
    expect(screen.getByTestId('funding-total-appropriated')).toHaveTextContent('3,000 万元');
    expect(screen.getByText('下载 XLSX')).toHaveAttribute('href', '/api/v1/funding/reports/programs?fiscal_year=2026&format=xlsx');
    expect(callsTo(fetchMock, 'GET', '/api/v1/funding/reports/programs').some(([url]) => String(url).includes('fiscal_year=2026'))).toBe(true);
  });
});
