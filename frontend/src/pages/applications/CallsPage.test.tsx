import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { APPLICANT, signedIn } from '../../test/fixtures';
import { CALL, CALL_CATALOG, FORM, NOTICE } from '../../test/applicationsFixtures';
import { bodyOf, callsTo, headerOf, jsonResponse, mockApi, renderApp } from '../../test/utils';

describe('CallsPage and CallPage', () => {
  it('lists calls with facet counts and sends the chosen filter to the service', async () => {
    const fetchMock = mockApi({ 'GET /api/v1/applications/calls': () => jsonResponse(CALL_CATALOG) });
    await renderApp('/calls');

    const card = await screen.findByTestId('call-card');
    expect(card).toHaveTextContent('2026年度博士后研究人员生活补贴申报（演示）');
    expect(card).toHaveTextContent('100,000 元');
    expect(within(card).getByTestId('call-quota')).toHaveTextContent('名额 20，已用 0，剩余 20');
    expect(screen.getByTestId('calls-status')).toHaveTextContent('正在受理 (1)');
    expect(screen.getByTestId('calls-agency')).toHaveTextContent('省人力资源社会保障厅 (1)');

    fireEvent.change(screen.getByTestId('calls-agency'), { target: { value: 'prov-hrss-dept' } });
    await waitFor(() => expect(callsTo(fetchMock, 'GET', '/api/v1/applications/calls').some(([url]) => String(url).includes('agency=prov-hrss-dept'))).toBe(true));
    expect(window.location.search).toContain('agency=prov-hrss-dept');
  });

  it("shows a call's eligibility and places, and an applicant starts a draft nominated by their city", async () => {
    signedIn();
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(APPLICANT),
      'GET /api/v1/applications/calls/1': () => jsonResponse(CALL),
      'GET /api/v1/applications/notices': () => jsonResponse([NOTICE]),
      'POST /api/v1/applications/applications': () => jsonResponse({ id: 42 }, 201),
      'GET /api/v1/applications/applications/42': () => jsonResponse({ id: 42 }, 404),
      'GET /api/v1/applications/forms/talent-person': () => jsonResponse(FORM),
    });
    await renderApp('/calls/1');

    expect(await screen.findByTestId('call-eligibility')).toHaveTextContent('不超过 35 周岁');
    expect(screen.getByTestId('call-eligibility')).toHaveTextContent('女性放宽至 38 周岁');
    const quota = screen.getByTestId('call-quota-table');
    expect(within(quota).getByTestId('call-quota-table-totals')).toHaveTextContent('14');
    expect(screen.getByText(NOTICE.title)).toBeInTheDocument();

    fireEvent.mouseDown(within(screen.getByTestId('apply-nominator')).getByRole('combobox'));
    fireEvent.click(await screen.findByTitle('沈阳市'));
    fireEvent.click(screen.getByTestId('apply-start'));
    await waitFor(() => expect(window.location.pathname).toBe('/applications/42'));
    const [start] = callsTo(fetchMock, 'POST', '/api/v1/applications/applications');
    expect(bodyOf(start![1])).toEqual({ call_id: 1, nominating_agency: 'city-shenyang', form_data: {} });
    expect(headerOf(start![1], 'Idempotency-Key')).toMatch(/^application-/);
  });
});
