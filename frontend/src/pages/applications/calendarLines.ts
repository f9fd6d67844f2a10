/**
 * The days of a year's holiday notice as an administrator types them, one a line (`2027-01-01 元旦`), read and
 * checked here by the rules the applications service applies (services/applications/applications/calendar), so a
 * mistyped line is pointed at by its number and nothing is sent.
 */
import type { CalendarDayEntry, CalendarYearEntry } from './applicationsApi';

export type DayList = 'holidays' | 'working_weekend_days';

/** What is wrong, for the page to say in the UI language; `line` counts from 1, blank lines included. */
export type CalendarProblem =
  | { kind: 'format'; list: DayList; line: number; text: string }
  | { kind: 'invalidDate' | 'outsideYear' | 'duplicate' | 'notWeekend'; list: DayList; line: number; date: string }
  | { kind: 'nameLength'; list: DayList; line: number }
  | { kind: 'notice' }
  | { kind: 'holidayCount'; count: number }
  | { kind: 'workingCount'; count: number };

/** The service's limits (CalendarYearEntry). */
export const LIMITS = { noticeMin: 4, noticeMax: 300, nameMax: 40, holidaysMax: 60, workingMax: 20 } as const;

const LINE = /^(\d{4}-\d{2}-\d{2})\s+(\S.*)$/;

/** Characters as the service counts them (code points, not UTF-16 units). */
const length = (text: string) => [...text].length;

function utcDate(date: string): Date | undefined {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const value = new Date(Date.UTC(year, month - 1, day));
  return value.getUTCFullYear() === year && value.getUTCMonth() === month - 1 && value.getUTCDate() === day ? value : undefined;
}

/** The days back as the text the form shows, one a line. */
export const daysText = (days: readonly CalendarDayEntry[]) => days.map((day) => `${day.date} ${day.name}`).join('\n');

interface ParsedDay extends CalendarDayEntry {
  line: number;
}

function parseLines(list: DayList, text: string, problems: CalendarProblem[]): ParsedDay[] {
  const days: ParsedDay[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed) return;
    const match = LINE.exec(trimmed);
    if (!match) {
      problems.push({ kind: 'format', list, line, text: trimmed });
      return;
    }
    const date = match[1]!;
    const name = match[2]!.trim();
    if (!utcDate(date)) problems.push({ kind: 'invalidDate', list, line, date });
    else if (length(name) > LIMITS.nameMax) problems.push({ kind: 'nameLength', list, line });
    else days.push({ date, name, line });
  });
  return days;
}

/**
 * The PUT body for `year`, or the problems that keep it from being sent: lines that are not a date and a name,
 * dates that do not exist, fall outside the year or come twice, weekend days worked that are not a Saturday or
 * Sunday, and the service's limits on the notice's title and the number of days.
 */
export function checkCalendarEntry(year: number, notice: string, holidays: string, working: string): { entry: CalendarYearEntry | null; problems: CalendarProblem[] } {
  const problems: CalendarProblem[] = [];
  const title = notice.trim();
  if (length(title) < LIMITS.noticeMin || length(title) > LIMITS.noticeMax) problems.push({ kind: 'notice' });
  const holidayDays = parseLines('holidays', holidays, problems);
  const workingDays = parseLines('working_weekend_days', working, problems);
  const seen = new Set<string>();
  for (const [list, days] of [['holidays', holidayDays], ['working_weekend_days', workingDays]] as const) {
    for (const { date, line } of days) {
      if (Number(date.slice(0, 4)) !== year) problems.push({ kind: 'outsideYear', list, line, date });
      else if (seen.has(date)) problems.push({ kind: 'duplicate', list, line, date });
      else if (list === 'working_weekend_days' && ![0, 6].includes(utcDate(date)!.getUTCDay())) problems.push({ kind: 'notWeekend', list, line, date });
      seen.add(date);
    }
  }
  const lineProblems = problems.some((problem) => 'line' in problem);
  // Counts are only worth saying once every line reads; a bad line is the likelier reason for a short list.
  if (!lineProblems && (holidayDays.length < 1 || holidayDays.length > LIMITS.holidaysMax)) problems.push({ kind: 'holidayCount', count: holidayDays.length });
  if (!lineProblems && workingDays.length > LIMITS.workingMax) problems.push({ kind: 'workingCount', count: workingDays.length });
  if (problems.length > 0) return { entry: null, problems };
  const strip = ({ date, name }: ParsedDay): CalendarDayEntry => ({ date, name });
  return { entry: { notice: title, holidays: holidayDays.map(strip), working_weekend_days: workingDays.map(strip) }, problems };
}
