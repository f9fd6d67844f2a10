import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { UserRead } from '../../auth/authApi';
import { ADMIN, AGENCY_PAGE, APPLICANT, signedIn } from '../../test/fixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';

const GENERATED = 'Vq7-pLm2-Xz9k-Rt4w';

async function chooseOption(testId: string, optionTitle: string) {
  fireEvent.mouseDown(within(screen.getByTestId(testId)).getByRole('combobox'));
  fireEvent.click(await screen.findByTitle(optionTitle));
}

describe('UsersPage', () => {
  it('lists users and creates a reviewer whose generated password is shown once', async () => {
    signedIn();
    const users: UserRead[] = [ADMIN, APPLICANT];
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
      'GET /api/v1/admin/users': () => jsonResponse({ items: users, total: users.length, page: 1, size: 20 }),
      'POST /api/v1/admin/users': (_url, init) => {
        const body = bodyOf(init) as Partial<UserRead>;
        const user = { ...APPLICANT, ...body, id: 10, is_active: true } as UserRead;
        users.push(user);
        return jsonResponse({ ...user, initial_password: GENERATED }, 201);
      },
    });
    await renderApp('/admin/users');

    const applicantRow = await screen.findByTestId('user-row-zhang.san');
    expect(within(applicantRow).getByTestId('user-role-tag')).toHaveTextContent('申报人');
    expect(within(screen.getByTestId('user-row-admin')).getByTestId('user-role-tag')).toHaveTextContent('管理员');

    fireEvent.click(screen.getByTestId('user-create'));
    fireEvent.change(screen.getByTestId('user-form-username'), { target: { value: 'li.si' } });
    fireEvent.change(screen.getByTestId('user-form-display-name'), { target: { value: '李四' } });
    await chooseOption('user-form-role', '审核人员');

    await screen.findByTestId('user-form-agency');
    // A reviewer needs an agency: submitting without one is stopped in the form.
    fireEvent.click(screen.getByTestId('user-create-submit'));
    expect(await screen.findByText('审核人员必须绑定一个单位')).toBeInTheDocument();
    expect(callsTo(fetchMock, 'POST', '/api/v1/admin/users')).toHaveLength(0);

    await chooseOption('user-form-agency', '省教育厅（prov-education-dept）');
    fireEvent.click(screen.getByTestId('user-form-agency-admin'));
    fireEvent.click(screen.getByTestId('user-create-submit'));

    const modal = await screen.findByTestId('initial-password');
    expect(within(modal).getByTestId('initial-password-value')).toHaveTextContent(GENERATED);
    expect(within(modal).getByTestId('initial-password-warning')).toHaveTextContent('仅显示一次');
    expect(bodyOf(callsTo(fetchMock, 'POST', '/api/v1/admin/users')[0]![1])).toEqual({
      username: 'li.si',
      display_name: '李四',
      role: 'reviewer',
      agency_code: 'prov-education-dept',
      is_agency_admin: true,
    });

    expect(await screen.findByTestId('user-row-li.si')).toHaveTextContent('省教育厅');
    fireEvent.click(screen.getByTestId('initial-password-done'));
    await waitFor(() => expect(document.body).not.toHaveTextContent(GENERATED));
  });

  it('puts the server field errors on the form', async () => {
    signedIn();
    mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
      'GET /api/v1/admin/users': () => jsonResponse({ items: [ADMIN], total: 1, page: 1, size: 20 }),
      'POST /api/v1/admin/users': () =>
        problemResponse(409, 'username_taken', '该用户名已被使用。', {
          errors: [{ field: 'body.username', message: '该用户名已被使用。', type: 'conflict' }],
        }),
    });
    await renderApp('/admin/users');

    fireEvent.click(await screen.findByTestId('user-create'));
    fireEvent.change(screen.getByTestId('user-form-username'), { target: { value: 'admin' } });
    fireEvent.change(screen.getByTestId('user-form-display-name'), { target: { value: '重复' } });
    fireEvent.click(screen.getByTestId('user-create-submit'));

    const form = screen.getByTestId('user-create-form');
    expect(await within(form).findByTestId('error-alert')).toHaveAttribute('data-error-code', 'username_taken');
    expect(within(form).getByTestId('error-fields')).toHaveTextContent('body.username：该用户名已被使用。');
    const usernameItem = screen.getByTestId('user-form-username').closest('.ant-form-item')!;
    await waitFor(() => expect(usernameItem).toHaveTextContent('该用户名已被使用。'));
    expect(screen.queryByTestId('initial-password')).not.toBeInTheDocument();
  });
});
