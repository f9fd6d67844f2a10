/** The funding service's public reports: money per programme, lead agency and city, per fiscal year (fen). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { apiGet } from '../../api/http';
import { queryString } from '../../api/page';

export const FUNDING_API = '/funding';
export const AMOUNTS = ['appropriated', 'reserved', 'committed', 'disbursed', 'available'] as const;
export type AmountKind = (typeof AMOUNTS)[number];
export type ReportKind = 'programs' | 'agencies' | 'cities';

type Amounts = Record<AmountKind, number> & { awards: number; fiscal_year: number };

export interface ProgramRow extends Amounts {
  program_code: string;
  program_name: string | null;
  task_number: number | null;
  lead_agencies: string[];
}

export interface AgencyRow extends Amounts {
  agency_code: string;
  agency_name: string | null;
  programs: number;
}

export interface CityRow extends Amounts {
  city_code: string | null;
  city_name: string | null;
}

export type ReportRow = ProgramRow | AgencyRow | CityRow;

export interface FundingReport {
  kind: ReportKind;
  fiscal_year: number | null;
  rows: ReportRow[];
  totals: Record<AmountKind | 'awards', number>;
}

export function useFundingReport(kind: ReportKind, fiscalYear: number | undefined) {
  return useQuery({
    queryKey: ['funding-report', kind, fiscalYear ?? null],
    queryFn: ({ signal }) => apiGet<FundingReport>(`${FUNDING_API}/reports/${kind}${queryString({ fiscal_year: fiscalYear })}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Where the same report downloads as a spreadsheet. */
export function reportDownload(kind: ReportKind, fiscalYear: number | undefined, format: 'csv' | 'xlsx'): string {
  return `/api${FUNDING_API}/reports/${kind}${queryString({ fiscal_year: fiscalYear, format })}`;
}

/** The row's name and key, whatever the report. */
export function rowName(row: ReportRow): { key: string; name: string } {
  if ('program_code' in row) return { key: `${row.program_code}/${row.fiscal_year}`, name: row.program_name ?? row.program_code };
  if ('agency_code' in row) return { key: `${row.agency_code}/${row.fiscal_year}`, name: row.agency_name ?? row.agency_code };
  return { key: `${row.city_code ?? 'province'}/${row.fiscal_year}`, name: row.city_name ?? row.city_code ?? '—' };
}
