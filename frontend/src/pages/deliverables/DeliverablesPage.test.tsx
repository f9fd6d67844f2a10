import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { AGENCY_PAGE, PLAN, PLAN_PAGE, TASK_5, TASK_5_SUMMARY } from '../../test/fixtures';
import { jsonResponse, mockApi, renderApp } from '../../test/utils';

describe('DeliverablesPage', () => {
  it('lists the plan’s deliverables furthest behind first, filtered by the status in the URL', async () => {
    mockApi({
      'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
      'GET /api/v1/agencies/plans/liaoning-2018-2020': () => jsonResponse(PLAN),
      'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
      'GET /api/v1/agencies/tasks': () => jsonResponse({ items: [TASK_5_SUMMARY], total: 1, page: 1, size: 100 }),
      'GET /api/v1/agencies/tasks/liaoning-2018-2020/5': () => jsonResponse(TASK_5),
    });
    await renderApp('/deliverables');

    await waitFor(() => expect(screen.getByTestId('deliverables-page')).toHaveAttribute('data-status', 'ready'));
    const rows = () => screen.getAllByTestId(/^deliverable-row-t05/).map((row) => row.getAttribute('data-testid'));
    expect(rows()).toEqual(['deliverable-row-t05-innovation-bases', 'deliverable-row-t05-postdoc-stations', 'deliverable-row-t05-doctors-postdocs']);
    const first = screen.getByTestId('deliverable-row-t05-innovation-bases');
    expect(within(first).getByTestId('deliverable-link')).toHaveAttribute('href', '/tasks/liaoning-2018-2020/5#t05-innovation-bases');
    expect(first).toHaveTextContent('落后 41.8 个百分点');
    expect(within(first).getByRole('progressbar')).toHaveAccessibleName('省级博士后创新实践基地，4%，进度滞后');

    fireEvent.click(within(screen.getByTestId('deliverables-status')).getByText('进度偏慢'));
    await waitFor(() => expect(rows()).toEqual(['deliverable-row-t05-postdoc-stations']));
    expect(new URLSearchParams(window.location.search).get('status')).toBe('amber');
  });
});
