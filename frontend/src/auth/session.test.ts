import { describe, expect, it } from 'vitest';

import { apiGet, apiPost } from '../api/http';
import { headerOf, jsonResponse, mockApi, problemResponse, bodyOf, callsTo } from '../test/utils';
import { AUTH_STORAGE_KEY, getSignOutReason, getTokens, setTokens } from './tokenStore';

function signIn(access: string, refresh: string) {
  setTokens({ access_token: access, refresh_token: refresh, expires_at: Date.now() + 60_000 });
}

const expired = () => problemResponse(401, 'invalid_access_token', '访问令牌无效或已过期，请重新登录。');

describe('session tokens in api/http', () => {
  it('sends the access token as a Bearer header, and none when signed out or auth is off', async () => {
    const fetchMock = mockApi({ 'GET /api/v1/agencies/plans': () => jsonResponse({ items: [] }) });
    await apiGet('/agencies/plans');
    expect(headerOf(fetchMock.mock.calls[0]![1], 'Authorization')).toBeNull();

    signIn('access-A', 'refresh-A');
    await apiGet('/agencies/plans');
    expect(headerOf(fetchMock.mock.calls[1]![1], 'Authorization')).toBe('Bearer access-A');

    await apiGet('/agencies/plans', { auth: false });
    expect(headerOf(fetchMock.mock.calls[2]![1], 'Authorization')).toBeNull();
  });

  it('on a 401 invalid_access_token refreshes once, stores the new pair and retries with it', async () => {
    signIn('access-old', 'refresh-old');
    const fetchMock = mockApi({
      'GET /api/v1/admin/users': (_url, init) =>
        headerOf(init, 'Authorization') === 'Bearer access-new'
          ? jsonResponse({ items: [], total: 0, page: 1, size: 20 })
          : expired(),
      'POST /api/v1/auth/refresh': () =>
        jsonResponse({ access_token: 'access-new', token_type: 'bearer', expires_in: 900, refresh_token: 'refresh-new' }),
    });

    await expect(apiGet('/admin/users')).resolves.toEqual({ items: [], total: 0, page: 1, size: 20 });

    const calls = fetchMock.mock.calls.map(([url, init]) => `${init?.method} ${String(url)} ${headerOf(init, 'Authorization') ?? '-'}`);
    expect(calls).toEqual([
      'GET /api/v1/admin/users Bearer access-old',
      'POST /api/v1/auth/refresh -',
      'GET /api/v1/admin/users Bearer access-new',
    ]);
    expect(bodyOf(fetchMock.mock.calls[1]![1])).toEqual({ refresh_token: 'refresh-old' });
    expect(getTokens()).toMatchObject({ access_token: 'access-new', refresh_token: 'refresh-new' });
    expect(JSON.parse(window.localStorage.getItem(AUTH_STORAGE_KEY)!)).toMatchObject({
      access_token: 'access-new',
      refresh_token: 'refresh-new',
    });
  });

  it('shares one refresh between requests that fail together (a refresh token works once)', async () => {
    signIn('access-old', 'refresh-old');
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': (_url, init) =>
        headerOf(init, 'Authorization') === 'Bearer access-new' ? jsonResponse({ id: 1 }) : expired(),
      'GET /api/v1/admin/api-keys': (_url, init) =>
        headerOf(init, 'Authorization') === 'Bearer access-new' ? jsonResponse({ items: [] }) : expired(),
      'POST /api/v1/auth/refresh': () =>
        jsonResponse({ access_token: 'access-new', token_type: 'bearer', expires_in: 900, refresh_token: 'refresh-new' }),
    });

    await Promise.all([apiGet('/auth/me'), apiGet('/admin/api-keys')]);
    expect(callsTo(fetchMock, 'POST', '/api/v1/auth/refresh')).toHaveLength(1);
    expect(callsTo(fetchMock, 'GET', '/api/v1/auth/me')).toHaveLength(2);
    expect(callsTo(fetchMock, 'GET', '/api/v1/admin/api-keys')).toHaveLength(2);
  });

  it('signs out when the refresh token is refused, then retries without a token', async () => {
    signIn('access-old', 'refresh-spent');
    const fetchMock = mockApi({
      'GET /api/v1/agencies/plans': (_url, init) =>
        headerOf(init, 'Authorization') === null ? jsonResponse({ items: ['public'] }) : expired(),
      'POST /api/v1/auth/refresh': () => problemResponse(401, 'invalid_refresh_token', '刷新令牌无效、已过期或已被吊销，请重新登录。'),
    });

    await expect(apiGet('/agencies/plans')).resolves.toEqual({ items: ['public'] });
    expect(getTokens()).toBeNull();
    expect(getSignOutReason()).toBe('expired');
    expect(window.localStorage.getItem(AUTH_STORAGE_KEY)).toBeNull();
    expect(callsTo(fetchMock, 'GET', '/api/v1/agencies/plans')).toHaveLength(2);
  });

  it('does not refresh for other 401s, and keeps the session when the refresh cannot be reached', async () => {
    signIn('access-A', 'refresh-A');
    const fetchMock = mockApi({
      'POST /api/v1/auth/login': () => problemResponse(401, 'invalid_credentials', '用户名或密码错误。'),
      'GET /api/v1/admin/users': () => expired(),
      'POST /api/v1/auth/refresh': () => Promise.reject(new TypeError('Failed to fetch')),
    });

    await expect(apiPost('/auth/login', { username: 'a', password: 'b' }, { auth: false })).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    expect(callsTo(fetchMock, 'POST', '/api/v1/auth/refresh')).toHaveLength(0);

    await expect(apiGet('/admin/users')).rejects.toMatchObject({ status: 0, code: 'network_error' });
    expect(getTokens()).toMatchObject({ access_token: 'access-A', refresh_token: 'refresh-A' });
  });
});
