import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { AGENCY_ADMIN, AGENCY_PAGE, APPLICANT, PLAN_PAGE, signedIn, TASK_5 } from '../../test/fixtures';
import { bodyOf, callsTo, headerOf, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';

function taskApi(me: object, file: () => Response = () => jsonResponse({}, 201)) {
  return mockApi({
    'GET /api/v1/auth/me': () => jsonResponse(me),
    'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
    'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
    'GET /api/v1/agencies/tasks/liaoning-2018-2020/5': () => jsonResponse(TASK_5),
    'POST /api/v1/agencies/deliverables/t05-doctors-postdocs/reports': file,
  });
}

describe('Reporting progress from the task page', () => {
  it('offers the form on reported deliverables of a task the reviewer’s agency owns, not on derived ones', async () => {
    signedIn();
    taskApi(AGENCY_ADMIN);
    await renderApp('/tasks/liaoning-2018-2020/5');

    await screen.findByTestId('deliverable-t05-doctors-postdocs');
    await waitFor(() => expect(within(screen.getByTestId('deliverable-t05-doctors-postdocs')).getByTestId('deliverable-report')).toBeInTheDocument());
    expect(within(screen.getByTestId('deliverable-t05-postdoc-stations')).getByTestId('deliverable-report')).toBeInTheDocument();
    expect(within(screen.getByTestId('deliverable-t05-innovation-bases')).queryByTestId('deliverable-report')).not.toBeInTheDocument();
  });

  it('is not offered to an applicant', async () => {
    signedIn();
    taskApi(APPLICANT);
    await renderApp('/tasks/liaoning-2018-2020/5');
    await screen.findByTestId('deliverable-t05-doctors-postdocs');
    await waitFor(() => expect(screen.getByTestId('user-menu')).toHaveAttribute('data-status', 'signedIn'));
    expect(screen.queryByTestId('deliverable-report')).not.toBeInTheDocument();
  });

  it('files the cumulative value for a period that has begun, in the deliverable’s unit, and shows the service’s refusal on its field', async () => {
    signedIn();
    let attempt = 0;
    const fetchMock = taskApi(AGENCY_ADMIN, () => {
      attempt += 1;
      return attempt === 1
        ? problemResponse(422, 'cumulative_value_decreased', '累计值 100 低于本单位 2019-Q2 已报送的累计值 9000。')
        : jsonResponse({}, 201);
    });
    await renderApp('/tasks/liaoning-2018-2020/5');

    fireEvent.click(await within(await screen.findByTestId('deliverable-t05-doctors-postdocs')).findByTestId('deliverable-report'));
    const form = await screen.findByTestId('report-form');
    expect(form).toHaveTextContent('储备博士、博士后');
    fireEvent.mouseDown(within(screen.getByTestId('report-period')).getByRole('combobox'));
    fireEvent.click(await screen.findByTitle('2019-Q3（2019-07-01 至 2019-09-30）'));
    fireEvent.change(within(form).getByRole('spinbutton'), { target: { value: '100' } });
    fireEvent.change(screen.getByTestId('report-narrative'), { target: { value: '新增博士后进站。' } });
    fireEvent.click(screen.getByTestId('report-submit'));

    expect(await within(form).findAllByText('累计值 100 低于本单位 2019-Q2 已报送的累计值 9000。')).not.toHaveLength(0);
    fireEvent.change(within(form).getByRole('spinbutton'), { target: { value: '9500' } });
    fireEvent.click(screen.getByTestId('report-submit'));

    await waitFor(() => expect(callsTo(fetchMock, 'POST', '/api/v1/agencies/deliverables/t05-doctors-postdocs/reports')).toHaveLength(2));
    const [first, second] = callsTo(fetchMock, 'POST', '/api/v1/agencies/deliverables/t05-doctors-postdocs/reports');
    expect(bodyOf(second![1])).toEqual({ period: '2019-Q3', value: 9500, unit: '人', narrative: '新增博士后进站。', evidence: [] });
    expect(headerOf(first![1], 'Idempotency-Key')).toMatch(/^report-[0-9a-f]{32}$/);
  });
});
