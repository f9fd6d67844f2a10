import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { APPLICANT } from '../../test/fixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';

function fill(values: Record<string, string>) {
  for (const [testId, value] of Object.entries(values)) {
    fireEvent.change(screen.getByTestId(testId), { target: { value } });
  }
}

const VALID = {
  'register-username': 'zhang.san',
  'register-display-name': '张三',
  'register-email': 'zhang.san@example.com',
  'register-password': 'a long enough secret',
  'register-confirm': 'a long enough secret',
};

describe('RegisterPage', () => {
  it('registers an applicant, signs them in and shows them in the header', async () => {
    const fetchMock = mockApi({
      'POST /api/v1/auth/register': () => jsonResponse(APPLICANT, 201),
      'POST /api/v1/auth/login': () =>
        jsonResponse({ access_token: 'a1', token_type: 'bearer', expires_in: 900, refresh_token: 'r1' }),
      'GET /api/v1/auth/me': () => jsonResponse(APPLICANT),
    });
    await renderApp('/register');

    fill(VALID);
    fireEvent.click(await screen.findByTestId('register-submit'));

    expect(await screen.findByTestId('user-display-name')).toHaveTextContent('张三');
    expect(screen.getByTestId('user-role')).toHaveTextContent('申报人');
    expect(bodyOf(callsTo(fetchMock, 'POST', '/api/v1/auth/register')[0]![1])).toEqual({
      username: 'zhang.san',
      password: 'a long enough secret',
      display_name: '张三',
      email: 'zhang.san@example.com',
    });
    await waitFor(() => expect(window.location.pathname).toBe('/'));
  });

  it('checks the form before sending, and shows a taken username on its field', async () => {
    const fetchMock = mockApi({
      'POST /api/v1/auth/register': () => problemResponse(409, 'username_taken', '该用户名已被使用。'),
    });
    await renderApp('/register');

    fill({ ...VALID, 'register-username': 'a!', 'register-password': 'short', 'register-confirm': 'other' });
    fireEvent.click(await screen.findByTestId('register-submit'));
    expect(await screen.findByText('用户名只能包含英文字母、数字及 _ . -')).toBeInTheDocument();
    expect(screen.getByText('密码至少 10 个字符')).toBeInTheDocument();
    expect(screen.getByText('两次输入的密码不一致')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', '/api/v1/auth/register')).toHaveLength(0);

    fill(VALID);
    fireEvent.click(screen.getByTestId('register-submit'));
    expect(await screen.findByTestId('register-error')).toHaveTextContent('该用户名已被使用。');
    const usernameItem = screen.getByTestId('register-username').closest('.ant-form-item')!;
    await waitFor(() => expect(usernameItem).toHaveTextContent('该用户名已被使用。'));
    expect(callsTo(fetchMock, 'POST', '/api/v1/auth/login')).toHaveLength(0);
  });
});
