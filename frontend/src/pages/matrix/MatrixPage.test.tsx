import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { MATRIX, PLAN_PAGE } from '../../test/fixtures';
import { callsTo, jsonResponse, mockApi, renderApp } from '../../test/utils';

function marksIn(row: HTMLElement, agency: string): string[] {
  const cell = row.querySelector(`td[data-agency="${agency}"]`);
  if (!cell) throw new Error(`no cell for ${agency}`);
  return within(cell as HTMLElement).queryAllByTestId('matrix-mark').map((mark) => `${mark.getAttribute('data-role')}:${mark.textContent}`);
}

describe('MatrixPage', () => {
  it('marks 牵头 and 责任 in the right cells, with agencies as columns and tasks as rows', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
      'GET /api/v1/agencies/matrix': () => jsonResponse(MATRIX),
    });
    await renderApp('/matrix');

    const table = await screen.findByTestId('matrix-table');
    const headers = within(table).getAllByRole('columnheader').map((header) => header.textContent);
    expect(headers).toEqual(['任务 / 单位', '省委组织部', '省人力资源社会保障厅', '省教育厅', '省财政厅', '各市', '沈阳市']);
    expect(within(table).getByText('省人力资源社会保障厅').closest('a')).toHaveAttribute('href', '/agencies/prov-hrss-dept');

    const row1 = screen.getByTestId('matrix-row-1');
    const row5 = screen.getByTestId('matrix-row-5');
    const row20 = screen.getByTestId('matrix-row-20');
    expect(within(row5).getByRole('rowheader')).toHaveTextContent('5. 实施青年英才储备计划');
    expect(within(row5).getByRole('link', { name: '5. 实施青年英才储备计划' })).toHaveAttribute('href', '/tasks/liaoning-2018-2020/5');

    expect(marksIn(row5, 'prov-hrss-dept')).toEqual(['lead:牵头']);
    expect(marksIn(row5, 'prov-education-dept')).toEqual(['responsible:责任']);
    expect(marksIn(row5, 'prov-finance-dept')).toEqual(['responsible:责任']);
    expect(marksIn(row5, 'prov-org-dept')).toEqual([]);
    expect(marksIn(row5, 'all-cities')).toEqual([]);
    expect(marksIn(row1, 'prov-org-dept')).toEqual(['lead:牵头']);
    expect(marksIn(row1, 'city-shenyang')).toEqual(['responsible:责任']);
    expect(row1.querySelector('td[data-agency="city-shenyang"] .tpp-mark-via')).not.toBeNull();
    expect(row1.querySelector('td[data-agency="all-cities"] .tpp-mark-via')).toBeNull();
    // Task 20 names the same department as lead and as responsible.
    expect(marksIn(row20, 'prov-org-dept')).toEqual(['lead:牵头', 'responsible:责任']);

    expect(screen.getByTestId('matrix-caption')).toHaveTextContent('3 项任务 × 6 个单位');
    expect(screen.getByTestId('matrix-download-csv')).toHaveAttribute('href', '/api/v1/agencies/matrix.csv?plan=liaoning-2018-2020');
    expect(screen.getByTestId('matrix-download-xlsx')).toHaveAttribute('href', '/api/v1/agencies/matrix.xlsx?plan=liaoning-2018-2020');
    expect(callsTo(fetchMock, 'GET', '/api/v1/agencies/matrix')[0]![0].searchParams.get('plan')).toBe('liaoning-2018-2020');
  });

  it('filters the rows by text and the columns by agency kind', async () => {
    mockApi({
      'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
      'GET /api/v1/agencies/matrix': () => jsonResponse(MATRIX),
    });
    await renderApp('/matrix?kind=city');

    const table = await screen.findByTestId('matrix-table');
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual(['任务 / 单位', '沈阳市']);

    fireEvent.change(screen.getByTestId('matrix-filter-text'), { target: { value: '青年英才' } });
    await waitFor(() => expect(screen.queryByTestId('matrix-row-1')).not.toBeInTheDocument());
    expect(screen.getByTestId('matrix-row-5')).toBeInTheDocument();
    expect(screen.queryByTestId('matrix-row-20')).not.toBeInTheDocument();
  });

  it('asks for group members as columns when expanded, in the request and the downloads', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
      'GET /api/v1/agencies/matrix': () => jsonResponse(MATRIX),
    });
    await renderApp('/matrix?expand=1');

    await screen.findByTestId('matrix-table');
    expect(callsTo(fetchMock, 'GET', '/api/v1/agencies/matrix')[0]![0].searchParams.get('expand_groups')).toBe('true');
    expect(screen.getByTestId('matrix-download-csv')).toHaveAttribute(
      'href',
      '/api/v1/agencies/matrix.csv?plan=liaoning-2018-2020&expand_groups=true',
    );
  });
});
