/** The funding service's public reports: money per programme, lead agency and city, per fiscal year (fen). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { API_BASE, apiGet, apiPost } from '../../api/http';
import { queryString } from '../../api/page';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export const FUNDING_API = '/funding';
export const AMOUNTS = ['appropriated', 'reserved', 'committed', 'disbursed', 'available'] as const;
export type AmountKind = (typeof AMOUNTS)[number];
export type ReportKind = 'programs' | 'agencies' | 'cities';

export type ProgramRow = Schemas['FundingProgramRow'];

export type AgencyRow = Schemas['FundingAgencyRow'];

export type CityRow = Schemas['FundingCityRow'];

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
  return `${API_BASE}${FUNDING_API}/reports/${kind}${queryString({ fiscal_year: fiscalYear, format })}`;
}

/** The row's name and key, whatever the report. */
export function rowName(row: ReportRow): { key: string; name: string } {
  if ('program_code' in row) return { key: `${row.program_code}/${row.fiscal_year}`, name: row.program_name ?? row.program_code };
  if ('agency_code' in row) return { key: `${row.agency_code}/${row.fiscal_year}`, name: row.agency_name ?? row.agency_code };
  return { key: `${row.city_code ?? 'province'}/${row.fiscal_year}`, name: row.city_name ?? row.city_code ?? '—' };
}

// --- awards (资助) and their installments; staff of the province and of the lead agencies read them -------

export type AwardStatus = 'reserved' | 'committed' | 'released' | 'voided' | 'expired' | 'rejected' | 'reversed';

export type InstallmentRead = Schemas['FundingInstallmentRead'];

export type AwardRead = Schemas['FundingAwardRead'];

/** A page of a list paged by key: `next` is passed as `after` for the page after it (null on the last). */
export interface KeyedPage<T> {
  items: T[];
  total: number | null;
  page: number;
  size: number;
  next: string | null;
}

export interface AwardFilters {
  program_code?: string;
  fiscal_year?: number;
}

export type TransferRead = Schemas['FundingTransferRead'];

export const AWARDS_PAGE_SIZE = 20;

export function useAwardsQuery(filters: AwardFilters, after: string | null) {
  return useQuery({
    queryKey: ['awards', filters, after],
    queryFn: ({ signal }) => apiGet<KeyedPage<AwardRead>>(`${FUNDING_API}/awards${queryString({ ...filters, size: AWARDS_PAGE_SIZE, after })}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useAwardQuery(id: string) {
  return useQuery({
    queryKey: ['award', id],
    queryFn: ({ signal }) => apiGet<AwardRead>(`${FUNDING_API}/awards/${encodeURIComponent(id)}`, { signal }),
    enabled: id.length > 0,
  });
}

/** Writes to an award change it, the lists and the dashboard's figures. */
function useAwardMutation<Vars, Result>(fn: (vars: Vars) => Promise<Result>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => Promise.all(['award', 'awards', 'funding-report'].map((key) => queryClient.invalidateQueries({ queryKey: [key] }))),
  });
}

const idem = (key: string) => ({ headers: { 'Idempotency-Key': key } });

/** Pays installment n (commitment → paid); the key makes a retry pay it once. */
export const useDisburse = () =>
  useAwardMutation(({ awardId, installment, key }: { awardId: string; installment: number; key: string }) =>
    apiPost<{ award: AwardRead; transfer: TransferRead }>(`${FUNDING_API}/awards/${encodeURIComponent(awardId)}/disbursements`, { installment }, idem(key)),
  );

/** A matching award: national funds received (fen) and the match paid, up to the award's cap. */
export const useRecordMatch = () =>
  useAwardMutation(({ awardId, eventId, baseAmountFen }: { awardId: string; eventId: string; baseAmountFen: number }) =>
    apiPost<{ award: AwardRead; matched_fen: number }>(`${FUNDING_API}/awards/${encodeURIComponent(awardId)}/matches`, { event_id: eventId, base_amount_fen: baseAmountFen }),
  );

/** Ends a committed award: its unpaid rest goes back. */
export const useReleaseAward = () =>
  useAwardMutation(({ awardId, reason, key }: { awardId: string; reason: string; key: string }) =>
    apiPost<{ award: AwardRead; released_fen: number; returned_to: string }>(`${FUNDING_API}/awards/${encodeURIComponent(awardId)}/release`, { reason: reason.trim() }, idem(key)),
  );

/**
 * Fen from yuan as typed ("1,234.5" → 123450), exactly (no floating point); null when it is not an amount of
 * yuan with at most two decimals.
 */
export function yuanToFen(text: string): number | null {
  const match = /^\s*(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text.replace(/[,，\s]/g, ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Yuan from fen with grouping and both decimals ("1,234.50 元"), as money is recorded. */
export function fenToYuan(fen: number, language: string): string {
  const text = (fen / 100).toLocaleString(language.startsWith('zh') ? 'zh-CN' : 'en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return language.startsWith('zh') ? `${text} 元` : `¥${text}`;
}
