import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ADMIN, signedIn } from '../../test/fixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, problemResponse, renderApp } from '../../test/utils';
import { todayInChina } from '../reports/periods';

const PATH_2027 = '/api/v1/applications/calendar/2027';

const NOT_ENTERED_2027 = () =>
  problemResponse(404, 'calendar_year_not_entered', 'chinesecalendar 不含 2027 年，管理员也尚未录入该年的节假日安排。', { year: 2027 });

const PACKAGE_2026 = {
  year: 2026,
  source: 'chinesecalendar',
  notice: null,
  entered_by: null,
  entered_at: null,
  holidays: [
    { date: '2026-01-01', name: '元旦' },
    { date: '2026-02-16', name: '春节' },
  ],
  working_weekend_days: [{ date: '2026-02-14', name: '春节' }],
};

const ENTRY_2027 = {
  notice: '国务院办公厅关于2027年部分节假日安排的通知',
  holidays: [
    { date: '2027-01-01', name: '元旦' },
    { date: '2027-02-06', name: '春节' },
    { date: '2027-02-08', name: '春节' },
  ],
  working_weekend_days: [{ date: '2027-02-20', name: '春节' }],
};

const ENTERED_2027 = { year: 2027, source: 'entered', entered_by: 'admin:user:1', entered_at: '2026-12-10T02:30:00Z', ...ENTRY_2027 };

const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('AdminCalendarPage', () => {
  it('enters a year nobody entered yet: the lines are sent as parsed, and the page then shows the entry', async () => {
    signedIn();
    let saved = false;
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      [`GET ${PATH_2027}`]: () => (saved ? jsonResponse(ENTERED_2027) : NOT_ENTERED_2027()),
      [`PUT ${PATH_2027}`]: () => {
        saved = true;
        return jsonResponse(ENTERED_2027);
      },
    });
    await renderApp('/admin/calendar?year=2027');

    expect(await screen.findByTestId('calendar-not-entered')).toHaveTextContent('2027 年的节假日安排尚未录入');
    expect(screen.getByTestId('admin-calendar-page')).toHaveAttribute('data-status', 'ready');
    expect(screen.getByTestId('calendar-year')).toHaveValue('2027');
    expect(screen.queryByTestId('calendar-holidays')).not.toBeInTheDocument();

    fill('通知标题', `  ${ENTRY_2027.notice} `);
    // Blank lines, spaces around and a full-width space between date and name are all fine.
    fill('放假日期（含放假的周末，每行一天）', '2027-01-01 元旦\n\n  2027-02-06\u3000春节  \n2027-02-08   春节\n');
    fill('调休上班日（需上班的周六、周日，每行一天）', '2027-02-20 春节');
    fireEvent.click(screen.getByTestId('calendar-save'));

    await waitFor(() => expect(callsTo(fetchMock, 'PUT', PATH_2027)).toHaveLength(1));
    expect(bodyOf(callsTo(fetchMock, 'PUT', PATH_2027)[0]![1])).toEqual(ENTRY_2027);
    expect(await screen.findByText('2027 年节假日安排已保存。')).toBeInTheDocument();
    expect(await screen.findByTestId('calendar-entry')).toHaveTextContent(ENTRY_2027.notice);
    expect(screen.getAllByTestId('calendar-holidays-row')).toHaveLength(3);
    expect(screen.queryByTestId('calendar-not-entered')).not.toBeInTheDocument();
  });

  it('names a malformed line by its number and sends nothing', async () => {
    signedIn();
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      [`GET ${PATH_2027}`]: NOT_ENTERED_2027,
    });
    await renderApp('/admin/calendar?year=2027');
    await screen.findByTestId('calendar-form');

    fill('通知标题', ENTRY_2027.notice);
    fill('放假日期（含放假的周末，每行一天）', '2027-01-01 元旦\n2027-02-30 春节\n春节 2027-02-08\n2026-12-31 元旦');
    fill('调休上班日（需上班的周六、周日，每行一天）', '2027-02-08 春节');
    fireEvent.click(screen.getByTestId('calendar-save'));

    const problems = await screen.findByTestId('calendar-problems');
    const lines = within(problems).getAllByRole('listitem').map((item) => item.textContent);
    expect(lines).toEqual([
      '放假日期第 2 行：2027-02-30 不是有效日期',
      '放假日期第 3 行：“春节 2027-02-08”格式不对，应为日期、空格、节日名称，如 2027-01-01 元旦',
      '放假日期第 4 行：2026-12-31 不在 2027 年内',
      '调休上班日第 1 行：2027-02-08 不是周六或周日，本来就是工作日',
    ]);
    expect(screen.getByLabelText('放假日期（含放假的周末，每行一天）')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('通知标题')).toHaveAttribute('aria-invalid', 'false');
    expect(callsTo(fetchMock, 'PUT', PATH_2027)).toHaveLength(0);

    // Corrected, the list goes away as it is typed.
    fill('放假日期（含放假的周末，每行一天）', '2027-01-01 元旦');
    fill('调休上班日（需上班的周六、周日，每行一天）', '');
    await waitFor(() => expect(screen.queryByTestId('calendar-problems')).not.toBeInTheDocument());
    expect(callsTo(fetchMock, 'PUT', PATH_2027)).toHaveLength(0);
  });

  it('shows a year the package provides read-only, with no form', async () => {
    signedIn();
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/applications/calendar/2026': () => jsonResponse(PACKAGE_2026),
    });
    await renderApp('/admin/calendar?year=2026');

    expect(await screen.findByTestId('calendar-package')).toHaveTextContent('chinesecalendar');
    expect(screen.getAllByTestId('calendar-holidays-row').map((row) => row.getAttribute('data-key'))).toEqual(['2026-01-01', '2026-02-16']);
    expect(screen.getByTestId('calendar-working-row')).toHaveTextContent('春节');
    expect(screen.getByRole('heading', { level: 3, name: '放假日期（2 天）' })).toBeInTheDocument();
    expect(screen.queryByTestId('calendar-form')).not.toBeInTheDocument();
    expect(screen.queryByTestId('calendar-save')).not.toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
    expect(callsTo(fetchMock, 'PUT', '/api/v1/applications/calendar/2026')).toHaveLength(0);
  });

  it('starts at next year and follows the year chosen', async () => {
    signedIn();
    const next = Number(todayInChina().slice(0, 4)) + 1;
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      'GET /api/v1/applications/calendar/*': (url) => problemResponse(404, 'calendar_year_not_entered', `${url.pathname.split('/').pop()} 尚未录入`),
    });
    await renderApp('/admin/calendar');

    await waitFor(() => expect(callsTo(fetchMock, 'GET', `/api/v1/applications/calendar/${next}`)).toHaveLength(1));
    expect(screen.getByLabelText('年份')).toHaveValue(String(next));
    expect(await screen.findByTestId('calendar-not-entered')).toHaveTextContent(`${next} 年的节假日安排尚未录入`);

    fireEvent.change(screen.getByLabelText('年份'), { target: { value: String(next + 1) } });
    await waitFor(() => expect(callsTo(fetchMock, 'GET', `/api/v1/applications/calendar/${next + 1}`)).toHaveLength(1));
    expect(await screen.findByRole('heading', { level: 3, name: `录入 ${next + 1} 年节假日安排` })).toBeInTheDocument();
    expect(window.location.search).toBe(`?year=${next + 1}`);
  });

  it('shows an entered year with who entered it, the form filled in, and the service’s refusal', async () => {
    signedIn();
    const fetchMock = mockApi({
      'GET /api/v1/auth/me': () => jsonResponse(ADMIN),
      [`GET ${PATH_2027}`]: () => jsonResponse(ENTERED_2027),
      [`PUT ${PATH_2027}`]: () =>
        problemResponse(422, 'calendar_days_invalid', '2027 年的节假日安排有误。', {
          errors: [{ field: 'body.holidays.1.date', message: '2027-02-06 重复录入', type: 'duplicate' }],
        }),
    });
    await renderApp('/admin/calendar?year=2027');

    expect(await screen.findByTestId('calendar-entered')).toBeInTheDocument();
    expect(screen.getByTestId('calendar-entry')).toHaveTextContent('我（平台管理员）');
    expect(screen.getByRole('heading', { level: 3, name: '修改 2027 年节假日安排' })).toBeInTheDocument();
    expect(screen.getByLabelText('通知标题')).toHaveValue(ENTRY_2027.notice);
    expect(screen.getByLabelText('放假日期（含放假的周末，每行一天）')).toHaveValue('2027-01-01 元旦\n2027-02-06 春节\n2027-02-08 春节');
    expect(screen.getByLabelText('调休上班日（需上班的周六、周日，每行一天）')).toHaveValue('2027-02-20 春节');

    fireEvent.click(screen.getByTestId('calendar-save'));
    const alert = await screen.findByTestId('error-alert');
    expect(alert).toHaveAttribute('data-error-code', 'calendar_days_invalid');
    expect(within(alert).getByTestId('error-fields')).toHaveTextContent('2027-02-06 重复录入');
    expect(bodyOf(callsTo(fetchMock, 'PUT', PATH_2027)[0]![1])).toEqual(ENTRY_2027);
  });
});
