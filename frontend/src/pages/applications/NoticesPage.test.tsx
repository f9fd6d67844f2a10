import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { NOTICE } from '../../test/applicationsFixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, renderApp } from '../../test/utils';

describe('NoticesPage', () => {
  it('shows only name, unit, programme and amount, and files an objection only with a name and a contact', async () => {
    const fetchMock = mockApi({
      'GET /api/v1/applications/notices': () => jsonResponse([NOTICE]),
      'POST /api/v1/applications/notices/1/objections': () => jsonResponse({ id: 7, notice_id: 1, application_id: 8, status: 'open', filed_at: '2026-11-30T03:00:00Z', resolve_by: '2026-12-15' }, 201),
    });
    await renderApp('/notices');

    const entry = await screen.findByTestId('notice-entry');
    expect(entry).toHaveTextContent('演示博士后08');
    expect(entry).toHaveTextContent('100,000 元');
    fireEvent.click(within(entry).getByTestId('notice-object'));

    fireEvent.change(await screen.findByTestId('objection-reason'), { target: { value: '成果署名存在争议。' } });
    fireEvent.click(screen.getByTestId('objection-submit'));
    expect(await screen.findByText('请填写真实姓名（匿名异议不予受理）')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', '/api/v1/applications/notices/1/objections')).toHaveLength(0);

    fireEvent.change(screen.getByTestId('objection-name'), { target: { value: '李四' } });
    fireEvent.change(screen.getByTestId('objection-contact'), { target: { value: 'lisi@example.com' } });
    fireEvent.click(screen.getByTestId('objection-submit'));
    expect(await screen.findByTestId('objection-receipt')).toHaveTextContent('编号 7');
    const [filed] = callsTo(fetchMock, 'POST', '/api/v1/applications/notices/1/objections');
    expect(bodyOf(filed![1])).toEqual({ application_id: 8, filer_name: '李四', filer_contact: 'lisi@example.com', reason: '成果署名存在争议。' });
    await waitFor(() => expect(screen.getByTestId('objection-receipt')).toHaveTextContent('2026年12月15日'));
  });
});
