import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { AUTH_STORAGE_KEY, clearTokens, getTokens } from '../../auth/tokenStore';
import { ADMIN, AGENCY_ADMIN, AGENCY_PAGE, APPLICANT, signedIn } from '../../test/fixtures';
import { bodyOf, callsTo, headerOf, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';

const TOKENS = { access_token: 'access-1', token_type: 'bearer', expires_in: 900, refresh_token: 'refresh-1' };

function fillAndSubmit(username: string, password: string) {
  fireEvent.change(screen.getByTestId('login-username'), { target: { value: username } });
  fireEvent.change(screen.getByTestId('login-password'), { target: { value: password } });
  fireEvent.click(screen.getByTestId('login-submit'));
}

describe('LoginPage', () => {
  it('signs in, stores the tokens and shows the user, role and agency in the header', async () => {
    const fetchMock = mockApi({
      'POST /api/v1/auth/login': () => jsonResponse(TOKENS),
      'GET /api/v1/auth/me': (_url, init) =>
        headerOf(init, 'Authorization') === 'Bearer access-1'
          ? jsonResponse(AGENCY_ADMIN)
          : problemResponse(401, 'login_required', '请先登录。'),
      'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
    });
    await renderApp('/login?next=%2Fadmin%2Fapi-keys');

    expect(await screen.findByTestId('user-menu')).toHaveAttribute('data-status', 'anonymous');
    fillAndSubmit('hrss-admin', 'correct horse battery');

    await waitFor(() => expect(screen.getByTestId('user-menu')).toHaveAttribute('data-status', 'signedIn'));
    const menu = screen.getByTestId('user-menu');
    expect(within(menu).getByTestId('user-display-name')).toHaveTextContent('王审核');
    expect(within(menu).getByTestId('user-role')).toHaveTextContent('审核人员');
    await waitFor(() => expect(within(menu).getByTestId('user-agency')).toHaveTextContent('省人力资源社会保障厅'));

    const [login] = callsTo(fetchMock, 'POST', '/api/v1/auth/login');
    expect(bodyOf(login![1])).toEqual({ username: 'hrss-admin', password: 'correct horse battery' });
    expect(headerOf(login![1], 'Authorization')).toBeNull();
    expect(JSON.parse(window.localStorage.getItem(AUTH_STORAGE_KEY)!)).toMatchObject({
      access_token: 'access-1',
      refresh_token: 'refresh-1',
    });

    // Back where the sign-in was asked for; the agency admin sees the keys page but not user administration.
    expect(await screen.findByTestId('api-keys-page')).toBeInTheDocument();
    expect(window.location.pathname).toBe('/admin/api-keys');
    expect(screen.getByTestId('nav-admin-api-keys')).toBeInTheDocument();
    expect(screen.queryByTestId('nav-admin-users')).not.toBeInTheDocument();
  });

  it('shows the translated error for a wrong password and stays signed out', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        problemResponse(401, 'invalid_credentials', '用户名或密码错误。', {
          title: 'Unauthorized',
          messages: { 'zh-CN': '用户名或密码错误。', en: 'Wrong username or password.' },
        }),
    });
    await renderApp('/login');

    fillAndSubmit('admin', 'wrong password');

    expect(await screen.findByTestId('login-error')).toHaveTextContent('用户名或密码错误。');
    expect(screen.getByTestId('login-error')).not.toHaveTextContent('Unauthorized');
    expect(screen.getByTestId('login-password')).toHaveValue('');
    expect(getTokens()).toBeNull();
    expect(window.localStorage.getItem(AUTH_STORAGE_KEY)).toBeNull();
    expect(screen.getByTestId('user-menu')).toHaveAttribute('data-status', 'anonymous');

    fireEvent.click(screen.getByText('English'));
    await waitFor(() => expect(screen.getByTestId('login-error')).toHaveTextContent('Wrong username or password.'));
  });

  it('says how long to wait when sign-in is rate limited', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        problemResponse(429, 'rate_limited', '请求过于频繁，请在 42 秒后再试。', { retry_after: 42 }, { 'Retry-After': '42' }),
    });
    await renderApp('/login');

    fillAndSubmit('admin', 'whatever-password');

    expect(await screen.findByTestId('login-error')).toHaveTextContent('登录尝试过于频繁，请在 42 秒后再试。');
  });

  it('signs out: revokes the refresh token, forgets the tokens and hides the admin menu', async () => {
    signedIn('access-9', 'refresh-9');
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
    });
    await renderApp('/');

    expect(await screen.findByTestId('user-display-name')).toHaveTextContent('平台管理员');
    expect(screen.getByTestId('user-role')).toHaveTextContent('管理员');
    expect(screen.queryByTestId('user-agency')).not.toBeInTheDocument();
    expect(screen.getByTestId('nav-admin-users')).toBeInTheDocument();
    expect(screen.getByTestId('nav-admin-api-keys')).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('sign-out'));

    await waitFor(() => expect(screen.getByTestId('user-menu')).toHaveAttribute('data-status', 'anonymous'));
    expect(screen.queryByTestId('nav-admin-users')).not.toBeInTheDocument();
    expect(window.localStorage.getItem(AUTH_STORAGE_KEY)).toBeNull();
    await waitFor(() => expect(callsTo(fetchMock, 'POST', '/api/v1/auth/logout')).toHaveLength(1));
    expect(bodyOf(callsTo(fetchMock, 'POST', '/api/v1/auth/logout')[0]![1])).toEqual({ refresh_token: 'refresh-9' });
  });

  it('shows an applicant no administration and sends anonymous visitors of admin pages to sign in', async () => {
    signedIn();
    mockApi({ 'GET /api/v1/auth/me': () => jsonResponse(APPLICANT) });
    const { unmount } = await renderApp('/admin/users');

    expect(await screen.findByTestId('forbidden')).toHaveTextContent('无权访问');
    expect(screen.getByTestId('user-role')).toHaveTextContent('申报人');
    expect(screen.queryByTestId('nav-admin-users')).not.toBeInTheDocument();
    expect(screen.queryByTestId('nav-admin-api-keys')).not.toBeInTheDocument();
    unmount();

    clearTokens();
    await renderApp('/admin/users');
    expect(await screen.findByTestId('login-page')).toBeInTheDocument();
    expect(window.location.pathname).toBe('/login');
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/admin/users');
  });

  it('refreshes an expired access token without the user noticing', async () => {
    signedIn('access-expired', 'refresh-1');
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': (_url, init) =>
        headerOf(init, 'Authorization') === 'Bearer access-2'
          ? jsonResponse(ADMIN)
          : problemResponse(401, 'invalid_access_token', '访问令牌无效或已过期，请重新登录。'),
      'POST /api/v1/auth/refresh': () => jsonResponse({ ...TOKENS, access_token: 'access-2', refresh_token: 'refresh-2' }),
    });
    await renderApp('/');

    expect(await screen.findByTestId('user-display-name')).toHaveTextContent('平台管理员');
    expect(callsTo(fetchMock, 'POST', '/api/v1/auth/refresh')).toHaveLength(1);
    expect(getTokens()).toMatchObject({ access_token: 'access-2', refresh_token: 'refresh-2' });
  });

  it('sends the user to sign in again, saying why, when the session cannot be refreshed', async () => {
    signedIn('access-expired', 'refresh-revoked');
    mockApi({
      'GET /api/v1/auth/me': () => problemResponse(401, 'invalid_access_token', '访问令牌无效或已过期，请重新登录。'),
      'POST /api/v1/auth/refresh': () => problemResponse(401, 'invalid_refresh_token', '刷新令牌无效、已过期或已被吊销，请重新登录。'),
    });
    await renderApp('/admin/users');

    expect(await screen.findByTestId('session-expired')).toHaveTextContent('登录已过期，请重新登录。');
    expect(window.location.pathname).toBe('/login');
    expect(getTokens()).toBeNull();
    expect(screen.getByTestId('user-menu')).toHaveAttribute('data-status', 'anonymous');
  });
});
