/**
 * Reporting periods as the agencies service names them (`2019`, `2019-H1`, `2019-Q2`, `2019-05`) and the
 * schedule a deliverable reports on: every period from the one holding the plan's start to the one
 * holding the due date (services/agencies/agencies/periods.py).
 */
import type { Deliverable } from '../../api/agencies';

export type Reporting = Deliverable['reporting'];

const MONTHS: Record<Reporting, number> = { monthly: 1, quarterly: 3, half_yearly: 6, yearly: 12 };

export interface Period {
  label: string;
  /** First and last day, YYYY-MM-DD. */
  start: string;
  end: string;
}

const pad = (value: number) => String(value).padStart(2, '0');

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function periodOf(reporting: Reporting, year: number, month: number): Period {
  const months = MONTHS[reporting];
  const index = Math.floor((month - 1) / months) + 1;
  const first = (index - 1) * months + 1;
  const last = first + months - 1;
  const label = {
    yearly: `${year}`,
    half_yearly: `${year}-H${index}`,
    quarterly: `${year}-Q${index}`,
    monthly: `${year}-${pad(index)}`,
  }[reporting];
  return { label, start: `${year}-${pad(first)}-01`, end: `${year}-${pad(last)}-${pad(lastDay(year, last))}` };
}

/** The deliverable's periods from the plan's start to its due date, oldest first. */
export function reportingSchedule(reporting: Reporting, planStart: string, due: string): Period[] {
  const periods: Period[] = [];
  let year = Number(planStart.slice(0, 4));
  let month = Number(planStart.slice(5, 7));
  for (;;) {
    const period = periodOf(reporting, year, month);
    if (period.start > due) break;
    periods.push(period);
    const next = Number(period.end.slice(5, 7)) + 1;
    year = next > 12 ? year + 1 : year;
    month = next > 12 ? 1 : next;
  }
  return periods;
}

/** Today in China Standard Time (UTC+8), YYYY-MM-DD: the service counts periods and deadlines in it. */
export function todayInChina(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
