import { describe, expect, it } from 'vitest';

import { reportingSchedule, todayInChina } from './periods';

describe('reportingSchedule', () => {
  it('lists the quarters from the plan start to the due date', () => {
    expect(reportingSchedule('quarterly', '2018-01-01', '2018-12-31').map((period) => period.label)).toEqual([
      '2018-Q1',
      '2018-Q2',
      '2018-Q3',
      '2018-Q4',
    ]);
    expect(reportingSchedule('quarterly', '2018-05-10', '2019-01-15').map((period) => [period.label, period.start, period.end])).toEqual([
      ['2018-Q2', '2018-04-01', '2018-06-30'],
      ['2018-Q3', '2018-07-01', '2018-09-30'],
      ['2018-Q4', '2018-10-01', '2018-12-31'],
      ['2019-Q1', '2019-01-01', '2019-03-31'],
    ]);
  });

  it('names months, half years and years the way the service does', () => {
    expect(reportingSchedule('monthly', '2020-11-01', '2021-02-01').map((period) => period.label)).toEqual(['2020-11', '2020-12', '2021-01', '2021-02']);
    expect(reportingSchedule('half_yearly', '2018-01-01', '2019-06-30').map((period) => period.label)).toEqual(['2018-H1', '2018-H2', '2019-H1']);
    expect(reportingSchedule('yearly', '2018-01-01', '2020-12-31').map((period) => period.label)).toEqual(['2018', '2019', '2020']);
    expect(reportingSchedule('monthly', '2020-02-01', '2020-02-29')[0]!.end).toBe('2020-02-29');
  });
});

describe('todayInChina', () => {
  it('is the next day in Beijing from 16:00 UTC', () => {
    expect(todayInChina(new Date('2020-12-31T15:59:59Z'))).toBe('2020-12-31');
    expect(todayInChina(new Date('2020-12-31T16:00:00Z'))).toBe('2021-01-01');
  });
});
