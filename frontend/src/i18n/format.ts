/** Date, time and number formatting in the UI language. Times are shown in China Standard Time, labelled. */
import i18n from 'i18next';

/** Where the plans run; the services count days and deadlines in it too. */
export const PLAN_TIME_ZONE = 'Asia/Shanghai';

export function formatDateTime(value: string | null | undefined, language: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const text = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone: PLAN_TIME_ZONE }).format(date);
  return `${text} ${i18n.t('common.timeZoneShort', { lng: language })}`;
}

/** A calendar date (`2020-12-31`) without shifting it through the local time zone. */
export function formatDate(value: string | null | undefined, language: string): string | undefined {
  if (!value) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export function formatNumber(value: number, language: string, maximumFractionDigits = 1): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits }).format(value);
}
