import { Alert, App, Button, Descriptions, Flex, Input, Spin, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { isApiError } from '../../api/http';
import ErrorAlert from '../../components/ErrorAlert';
import { usePageTitle } from '../../components/usePageTitle';
import withFeedback from '../../components/withFeedback';
import { formatDate, formatDateTime } from '../../i18n/format';
import ActorName from '../admin/ActorName';
import { todayInChina } from '../reports/periods';
import type { CalendarDayEntry, CalendarYearEntry, CalendarYearRead } from './applicationsApi';
import { useCalendarYearQuery, useEnterCalendarYear } from './applicationsApi';
import type { CalendarProblem, DayList } from './calendarLines';
import { LIMITS, checkCalendarEntry, daysText } from './calendarLines';

/** The years the service takes (its path parameter's bounds). */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/** The year the address asks for (`?year=`), if it is one the service takes. */
function calendarYearOf(search: URLSearchParams): number | undefined {
  const year = Number(search.get('year'));
  return Number.isInteger(year) && year >= FIRST_YEAR && year <= LAST_YEAR ? year : undefined;
}

/** A few years back (to look at) and ahead (to enter), and the chosen one wherever it lies. */
function yearChoices(thisYear: number, chosen: number): number[] {
  const years: number[] = [];
  for (let year = Math.max(FIRST_YEAR, thisYear - 10); year <= Math.min(LAST_YEAR, thisYear + 5); year += 1) years.push(year);
  return years.includes(chosen) ? years : [...years, chosen].sort((a, b) => a - b);
}

/** 星期五 / Fri, for checking a weekend day worked at a glance; the date is a calendar date (no time zone). */
function weekdayOf(date: string, language: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, day)));
}

/** The input a problem without a line is about. */
const FIELD_OF = { notice: 'notice', holidayCount: 'holidays', workingCount: 'working_weekend_days' } as const;

function problemText(problem: CalendarProblem, year: number, t: TFunction): string {
  if (problem.kind === 'notice') return t('applications.calendar.problems.notice', { min: LIMITS.noticeMin, max: LIMITS.noticeMax });
  if (problem.kind === 'holidayCount') return t('applications.calendar.problems.holidayCount', { max: LIMITS.holidaysMax, count: problem.count });
  if (problem.kind === 'workingCount') return t('applications.calendar.problems.workingCount', { max: LIMITS.workingMax, count: problem.count });
  const message =
    problem.kind === 'format'
      ? t('applications.calendar.problems.format', { text: problem.text, year })
      : problem.kind === 'nameLength'
        ? t('applications.calendar.problems.nameLength', { max: LIMITS.nameMax })
        : t(`applications.calendar.problems.${problem.kind}`, { date: problem.date, year });
  return t('applications.calendar.problems.line', { list: t(`applications.calendar.list.${problem.list}`), line: problem.line, message });
}

function DaysTable({ id, title, days, testId }: { id: string; title: string; days: CalendarDayEntry[]; testId: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const columns: TableColumnsType<CalendarDayEntry> = [
    { title: t('applications.calendar.date'), dataIndex: 'date', key: 'date', width: 150, render: (date: string) => formatDate(date, language) },
    { title: t('applications.calendar.weekday'), dataIndex: 'date', key: 'weekday', width: 80, render: (date: string) => weekdayOf(date, language) },
    { title: t('applications.calendar.name'), dataIndex: 'name', key: 'name' },
  ];
  return (
    <section className="tpp-panel" aria-labelledby={id} style={{ flex: '1 1 320px', minWidth: 0 }}>
      <h3 className="tpp-panel-title tpp-panel-head" id={id}>
        {title}
      </h3>
      <Table<CalendarDayEntry>
        rowKey="date"
        columns={columns}
        dataSource={days}
        size="small"
        pagination={false}
        scroll={{ x: 320 }}
        locale={{ emptyText: t('applications.calendar.noDays') }}
        onRow={(day) => ({ 'data-testid': `${testId}-row`, 'data-key': day.date }) as React.HTMLAttributes<HTMLElement>}
        data-testid={testId}
      />
    </section>
  );
}

/** What is stored for the year, read-only: whose it is, and its days off and weekend days worked. */
function YearDays({ calendar }: { calendar: CalendarYearRead }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  return (
    <>
      {calendar.source === 'entered' && (
        <Descriptions
          bordered
          size="small"
          column={1}
          data-testid="calendar-entry"
          items={[
            { key: 'notice', label: t('applications.calendar.notice'), children: calendar.notice },
            { key: 'by', label: t('applications.calendar.enteredBy'), children: calendar.entered_by ? <ActorName actor={calendar.entered_by} /> : t('common.none') },
            { key: 'at', label: t('applications.calendar.enteredAt'), children: formatDateTime(calendar.entered_at, language) ?? t('common.none') },
          ]}
        />
      )}
      <Flex wrap gap={16}>
        <DaysTable id="calendar-holidays-title" title={t('applications.calendar.holidays', { count: calendar.holidays.length })} days={calendar.holidays} testId="calendar-holidays" />
        <DaysTable
          id="calendar-working-title"
          title={t('applications.calendar.workingWeekendDays', { count: calendar.working_weekend_days.length })}
          days={calendar.working_weekend_days}
          testId="calendar-working"
        />
      </Flex>
    </>
  );
}

/**
 * Entering a year (or replacing its entry): read and checked here first, so a mistyped line is named by its
 * number and nothing is sent; what the service still refuses is shown as it says it.
 */
function CalendarForm({ year, current, onSave, saving, error }: {
  year: number;
  current: CalendarYearRead | undefined;
  onSave: (entry: CalendarYearEntry) => void;
  saving: boolean;
  error: unknown;
}) {
  const { t } = useTranslation();
  const [notice, setNotice] = useState(current?.notice ?? '');
  const [holidays, setHolidays] = useState(current ? daysText(current.holidays) : '');
  const [working, setWorking] = useState(current ? daysText(current.working_weekend_days) : '');
  // Problems are shown once saving was tried, and then follow the corrections as they are typed.
  const [tried, setTried] = useState(false);
  const problems = tried ? checkCalendarEntry(year, notice, holidays, working).problems : [];
  const invalid = (field: DayList | 'notice') =>
    problems.some((problem) => ('list' in problem ? problem.list : FIELD_OF[problem.kind]) === field);
  const describedBy = problems.length > 0 ? 'calendar-problems' : undefined;

  const save = () => {
    setTried(true);
    const { entry } = checkCalendarEntry(year, notice, holidays, working);
    if (entry) onSave(entry);
  };

  return (
    <section className="tpp-panel" aria-labelledby="calendar-form-title" data-testid="calendar-form">
      <h3 className="tpp-panel-title tpp-panel-head" id="calendar-form-title">
        {t(current ? 'applications.calendar.replaceTitle' : 'applications.calendar.enterTitle', { year })}
      </h3>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save();
        }}
      >
        <Flex vertical gap={8}>
          <Typography.Text type="secondary">{t('applications.calendar.formIntro')}</Typography.Text>
          <label htmlFor="calendar-notice">{t('applications.calendar.noticeLabel')}</label>
          <Input
            id="calendar-notice"
            value={notice}
            maxLength={LIMITS.noticeMax}
            onChange={(event) => setNotice(event.target.value)}
            placeholder={t('applications.calendar.noticePlaceholder', { year })}
            status={invalid('notice') ? 'error' : undefined}
            aria-invalid={invalid('notice')}
            aria-describedby={invalid('notice') ? describedBy : undefined}
            data-testid="calendar-notice"
          />
          <label htmlFor="calendar-holidays-text">{t('applications.calendar.holidaysLabel')}</label>
          <Input.TextArea
            id="calendar-holidays-text"
            rows={8}
            value={holidays}
            onChange={(event) => setHolidays(event.target.value)}
            placeholder={t('applications.calendar.holidaysPlaceholder', { year })}
            status={invalid('holidays') ? 'error' : undefined}
            aria-invalid={invalid('holidays')}
            aria-describedby={invalid('holidays') ? describedBy : undefined}
            spellCheck={false}
            data-testid="calendar-holidays-text"
          />
          <label htmlFor="calendar-working-text">{t('applications.calendar.workingLabel')}</label>
          <Input.TextArea
            id="calendar-working-text"
            rows={3}
            value={working}
            onChange={(event) => setWorking(event.target.value)}
            placeholder={t('applications.calendar.workingPlaceholder', { year })}
            status={invalid('working_weekend_days') ? 'error' : undefined}
            aria-invalid={invalid('working_weekend_days')}
            aria-describedby={invalid('working_weekend_days') ? describedBy : undefined}
            spellCheck={false}
            data-testid="calendar-working-text"
          />
          {problems.length > 0 && (
            <Alert
              type="error"
              showIcon
              title={t('applications.calendar.refused')}
              description={
                <ul id="calendar-problems" style={{ margin: 0, paddingInlineStart: 20 }} data-testid="calendar-problems">
                  {problems.map((problem, index) => (
                    <li key={index}>{problemText(problem, year, t)}</li>
                  ))}
                </ul>
              }
            />
          )}
          {error !== null && <ErrorAlert error={error} title={t('applications.calendar.error')} />}
          <Button type="primary" htmlType="submit" style={{ alignSelf: 'flex-start' }} loading={saving} data-testid="calendar-save">
            {t('applications.calendar.save')}
          </Button>
        </Flex>
      </form>
    </section>
  );
}

/**
 * 节假日安排: the working-day calendar public notices (公示) and objection deadlines are counted on. The
 * chinesecalendar package's years are shown as they are; a later year is entered here from the State Council's
 * notice, and until it is, the service refuses deadlines that fall in it.
 */
function AdminCalendarPage() {
  const { t } = useTranslation();
  usePageTitle(t('applications.calendar.title'));
  const { message } = App.useApp();
  const [search, setSearch] = useSearchParams();
  const thisYear = Number(todayInChina().slice(0, 4));
  // Next year by default: the one whose notice comes out in December and is missing first.
  const year = calendarYearOf(search) ?? thisYear + 1;
  const calendar = useCalendarYearQuery(year);
  const notEntered = isApiError(calendar.error) && calendar.error.code === 'calendar_year_not_entered';
  const data = calendar.data;
  // Here rather than in the form: a save starts the form afresh, and the message must outlive the old one.
  const enter = useEnterCalendarYear();
  const save = (entry: CalendarYearEntry) =>
    enter.mutate({ year, ...entry }, { onSuccess: (saved) => void message.success(t('applications.calendar.saved', { year: saved.year })) });

  return (
    <Flex vertical gap={16} data-testid="admin-calendar-page" data-status={data || calendar.isError ? 'ready' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('applications.calendar.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('applications.calendar.intro')}</Typography.Text>
      </div>
      <Flex wrap gap={12} align="center" className="tpp-filters">
        <label className="tpp-facet">
          <span>{t('applications.calendar.year')}</span>
          <select
            value={year}
            onChange={(event) => {
              const next = new URLSearchParams(search);
              next.set('year', event.target.value);
              enter.reset();
              setSearch(next, { replace: true });
            }}
            data-testid="calendar-year"
          >
            {yearChoices(thisYear, year).map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
        </label>
      </Flex>
      {calendar.isPending && <Spin />}
      {calendar.isError && !notEntered && <ErrorAlert error={calendar.error} title={t('applications.loadError')} onRetry={() => void calendar.refetch()} />}
      {notEntered && <Alert type="warning" showIcon title={t('applications.calendar.notEntered', { year })} data-testid="calendar-not-entered" />}
      {data?.source === 'chinesecalendar' && <Alert type="info" showIcon title={t('applications.calendar.package', { year })} data-testid="calendar-package" />}
      {data?.source === 'entered' && <Alert type="info" showIcon title={t('applications.calendar.entered', { year })} data-testid="calendar-entered" />}
      {data && <YearDays calendar={data} />}
      {/* A saved entry starts the form again from what the service now holds. */}
      {(notEntered || data?.source === 'entered') && (
        <CalendarForm key={`${year}-${calendar.dataUpdatedAt}`} year={year} current={data} onSave={save} saving={enter.isPending} error={enter.error} />
      )}
    </Flex>
  );
}

export default withFeedback(AdminCalendarPage);
