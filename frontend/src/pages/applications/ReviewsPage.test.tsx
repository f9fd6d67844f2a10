import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { UserRead } from '../../auth/authApi';
import { ADMIN, signedIn } from '../../test/fixtures';
import { ASSIGNMENT } from '../../test/applicationsFixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, renderApp } from '../../test/utils';

const EXPERT: UserRead = { ...ADMIN, id: 9, username: 'expert.li', display_name: '李专家', role: 'expert' };

describe('ReviewsPage', () => {
  it('has the expert declare no conflict before scoring, then scores each criterion with a comment', async () => {
    signedIn();
    let assignment: typeof ASSIGNMENT | object = ASSIGNMENT;
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(EXPERT),
      'GET /api/v1/applications/reviews/assignments': () => jsonResponse([assignment]),
      'POST /api/v1/applications/reviews/assignments/3/declaration': () => {
        assignment = { ...ASSIGNMENT, declaration: 'no_conflict', declared_at: '2026-11-30T03:00:00Z', can_score: true };
        return jsonResponse({}, 201);
      },
      'PUT /api/v1/applications/reviews/assignments/3/score-sheet': () => {
        assignment = { ...(assignment as object), score_sheet: { scores: { achievements: 30, potential: 50 }, total: 80, max_total: 100, comment: '科研能力突出。', submitted_at: '2026-11-30T03:05:00Z' } };
        return jsonResponse({});
      },
    });
    await renderApp('/reviews');

    const card = await screen.findByTestId('assignment-card');
    expect(within(card).queryByTestId('score-form')).not.toBeInTheDocument();
    fireEvent.click(within(card).getByTestId('declare-submit'));
    const form = await screen.findByTestId('score-form');
    expect(bodyOf(callsTo(fetchMock, 'POST', '/api/v1/applications/reviews/assignments/3/declaration')[0]![1])).toEqual({ declaration: 'no_conflict', note: '' });

    const [achievements, potential] = within(form).getAllByRole('spinbutton');
    fireEvent.change(achievements!, { target: { value: '30' } });
    fireEvent.change(potential!, { target: { value: '50' } });
    fireEvent.change(within(form).getByTestId('score-comment'), { target: { value: '科研能力突出。' } });
    await waitFor(() => expect(within(form).getByTestId('score-total')).toHaveTextContent('合计 80 / 100 分'));
    fireEvent.click(within(form).getByTestId('score-submit'));
    expect(await screen.findByTestId('score-submitted')).toBeInTheDocument();
    expect(bodyOf(callsTo(fetchMock, 'PUT', '/api/v1/applications/reviews/assignments/3/score-sheet')[0]![1])).toEqual({ scores: { achievements: 30, potential: 50 }, comment: '科研能力突出。' });
  });
});
