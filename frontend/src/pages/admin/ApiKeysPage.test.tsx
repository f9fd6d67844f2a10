import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ADMIN, AGENCY_ADMIN, AGENCY_PAGE, signedIn } from '../../test/fixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, renderApp } from '../../test/utils';
import type { ApiKeyRead } from './adminApi';

const SECRET = 'tpp_7f3a9c_Zk2mQ8wLr4XvT1bN6yPd0sHeJu5gC';

const EXISTING: ApiKeyRead = {
  id: 7,
  agency_code: 'prov-education-dept',
  name: '教育厅进度上报',
  prefix: 'tpp_1a2b3c',
  scopes: ['reports:write'],
  created_by: 'user:1',
  created_at: '2026-11-20T02:00:00Z',
  revoked_at: null,
  replaced_by_id: null,
};

/** A tiny in-memory gateway for the keys API. */
function keysBackend(me = ADMIN) {
  const keys: ApiKeyRead[] = [EXISTING];
  const fetchMock = mockApi({
    'GET /api/v1/auth/me': () => jsonResponse(me),
    'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
    'GET /api/v1/admin/api-keys': (url) => {
      const includeRevoked = url.searchParams.get('include_revoked') === 'true';
      const agency = url.searchParams.get('agency_code');
      const items = keys.filter((key) => (includeRevoked || key.revoked_at === null) && (!agency || key.agency_code === agency));
      return jsonResponse({ items, total: items.length, page: 1, size: 20 });
    },
    'POST /api/v1/admin/api-keys': (_url, init) => {
      const body = bodyOf(init) as { agency_code: string; name: string; scopes: string[] };
      const key: ApiKeyRead = {
        ...EXISTING,
        id: 8,
        agency_code: body.agency_code,
        name: body.name,
        scopes: body.scopes,
        prefix: SECRET.slice(0, 10),
        created_at: '2026-11-26T09:00:00Z',
      };
      keys.push(key);
      return jsonResponse({ ...key, secret: SECRET }, 201);
    },
    'POST /api/v1/admin/api-keys/*/revoke': (url) => {
      const id = Number(url.pathname.split('/')[5]);
      const key = keys.find((candidate) => candidate.id === id)!;
      key.revoked_at = '2026-11-26T09:05:00Z';
      return jsonResponse(key);
    },
  });
  return fetchMock;
}

async function chooseOption(testId: string, optionText: string) {
  const select = screen.getByTestId(testId);
  fireEvent.mouseDown(within(select).getByRole('combobox'));
  fireEvent.click(await screen.findByTitle(optionText));
}

describe('ApiKeysPage', () => {
  it('creates a key, shows its secret once with the warning, and the table never shows it', async () => {
    signedIn();
    const fetchMock = keysBackend();
    await renderApp('/admin/api-keys');

    expect(await screen.findByTestId('api-key-row-7')).toHaveTextContent('教育厅进度上报');
    fireEvent.click(screen.getByTestId('api-key-create'));

    await waitFor(() => expect(screen.getByTestId('api-key-agency')).not.toHaveClass('ant-select-disabled'));
    await chooseOption('api-key-agency', '省人力资源社会保障厅（prov-hrss-dept）');
    fireEvent.change(screen.getByTestId('api-key-name'), { target: { value: '人社厅进度上报系统' } });
    const reviewScope = screen.getByTestId('api-key-scopes').querySelector<HTMLInputElement>('input[value="applications:review"]')!;
    expect(reviewScope.closest('label')).toHaveTextContent('审核申报');
    fireEvent.click(reviewScope);
    fireEvent.click(screen.getByTestId('api-key-create-submit'));

    const secretModal = await screen.findByTestId('api-key-secret');
    expect(within(secretModal).getByTestId('api-key-secret-value')).toHaveTextContent(SECRET);
    expect(within(secretModal).getByTestId('api-key-secret-warning')).toHaveTextContent(
      '仅显示一次：关闭此窗口后将无法再次查看该密钥，请立即复制并妥善保存。',
    );
    expect(secretModal).toHaveTextContent('已创建密钥「人社厅进度上报系统」（单位 省人力资源社会保障厅）');

    const [create] = callsTo(fetchMock, 'POST', '/api/v1/admin/api-keys');
    expect(bodyOf(create![1])).toEqual({
      agency_code: 'prov-hrss-dept',
      name: '人社厅进度上报系统',
      scopes: ['reports:write', 'applications:review'],
    });

    // The list is refetched and shows the new key by prefix only.
    const row = await screen.findByTestId('api-key-row-8');
    expect(row).toHaveTextContent('人社厅进度上报系统');
    expect(row).toHaveTextContent(`${SECRET.slice(0, 10)}…`);
    expect(screen.getByRole('table')).not.toHaveTextContent(SECRET);

    fireEvent.click(screen.getByTestId('api-key-secret-done'));
    await waitFor(() => expect(screen.queryByText(SECRET)).not.toBeInTheDocument());
    expect(document.body).not.toHaveTextContent(SECRET);
  });

  it('revokes a key after confirmation', async () => {
    signedIn();
    const fetchMock = keysBackend();
    await renderApp('/admin/api-keys');

    const row = await screen.findByTestId('api-key-row-7');
    fireEvent.click(within(row).getByTestId('api-key-revoke'));
    expect(callsTo(fetchMock, 'POST', '/api/v1/admin/api-keys/7/revoke')).toHaveLength(0);
    expect(await screen.findByText('吊销后密钥「教育厅进度上报」立即失效，且不可恢复。确定吊销吗？')).toBeInTheDocument();
    fireEvent.click(screen.getByTestId('api-key-revoke-confirm'));

    await waitFor(() => expect(callsTo(fetchMock, 'POST', '/api/v1/admin/api-keys/7/revoke')).toHaveLength(1));
    // Revoked keys drop out of the default list...
    await waitFor(() => expect(screen.queryByTestId('api-key-row-7')).not.toBeInTheDocument());
    // ...and come back, marked, with "show revoked".
    fireEvent.click(screen.getByTestId('include-revoked'));
    const revoked = await screen.findByTestId('api-key-row-7');
    expect(within(revoked).getByTestId('api-key-status')).toHaveTextContent('已吊销');
    expect(within(revoked).queryByTestId('api-key-revoke')).not.toBeInTheDocument();
  });

  it("limits an agency's own admin to that agency", async () => {
    signedIn();
    const fetchMock = keysBackend(AGENCY_ADMIN);
    await renderApp('/admin/api-keys');

    expect(await screen.findByTestId('own-agency-note')).toHaveTextContent('您是单位 prov-hrss-dept 的管理员，只能管理本单位的密钥。');
    await waitFor(() => expect(callsTo(fetchMock, 'GET', '/api/v1/admin/api-keys').length).toBeGreaterThan(0));
    const [url] = callsTo(fetchMock, 'GET', '/api/v1/admin/api-keys')[0]!;
    expect(url.searchParams.get('agency_code')).toBe('prov-hrss-dept');
    expect(screen.queryByTestId('api-key-agency-filter')).not.toBeInTheDocument();
  });
});
