import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { AGENCY_ADMIN, AGENCY_PAGE, PLAN, PLAN_PAGE, signedIn } from '../test/fixtures';
import { jsonResponse, mockApi, renderApp } from '../test/utils';

describe('AppLayout', () => {
  it('opens the phone menu as a modal dialog with every entry, the language switch and the account', async () => {
    signedIn();
    mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(AGENCY_ADMIN),
      'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
      'GET /api/v1/agencies/plans': () => jsonResponse(PLAN_PAGE),
      'GET /api/v1/agencies/plans/liaoning-2018-2020': () => jsonResponse(PLAN),
      'GET /api/v1/agencies/tasks': () => jsonResponse({ items: [], total: 0, page: 1, size: 20 }),
    });
    await renderApp('/tasks');

    const toggle = screen.getByTestId('nav-toggle');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(within(screen.getByTestId('nav-drawer')).queryByTestId('nav-tasks')).not.toBeInTheDocument();
    fireEvent.click(toggle);

    const menu = screen.getByTestId('nav-drawer');
    expect(menu).toHaveAttribute('open');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await waitFor(() =>
      expect(within(menu).getAllByRole('link').map((link) => link.getAttribute('href'))).toEqual([
        '/',
        '/tasks',
        '/deliverables',
        '/matrix',
        '/calls',
        '/notices',
        '/funding',
        '/applications',
        '/reports',
        '/supervision',
        '/my-agency',
        '/admin/api-keys',
        '/admin/webhooks',
      ]),
    );
    expect(within(menu).getByTestId('nav-tasks')).toHaveAttribute('aria-current', 'page');
    expect(within(menu).getByTestId('lang-option-zh-CN')).toHaveAttribute('aria-pressed', 'true');
    expect(within(menu).getByTestId('user-display-name')).toHaveTextContent('王审核');
    expect(within(menu).getByTestId('sign-out')).toBeInTheDocument();

    fireEvent.click(within(menu).getByTestId('lang-option-en'));
    expect(await within(menu).findByText('Progress reports')).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('en');

    fireEvent.click(within(menu).getByTestId('nav-close'));
    expect(menu).not.toHaveAttribute('open');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
  });
});
