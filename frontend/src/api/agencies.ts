/**
 * The agencies service (责任矩阵) as the SPA reads it through the gateway at
 * /api/v1/agencies: plans, tasks, agencies, the responsibility matrix and
 * overdue reports. Public reads, no token needed (supervision excepted).
 * Types follow services/agencies/agencies/catalog/schemas.py.
 */
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { apiGet } from './http';
import type { Page } from './page';
import { queryString } from './page';

export const AGENCIES_API = '/api/v1/agencies';

export type OwnerRole = 'lead' | 'responsible';
export type StatusColour = 'green' | 'amber' | 'red';
export type AgencyKind =
  | 'party_department'
  | 'government_department'
  | 'people_organization'
  | 'financial_institution'
  | 'city'
  | 'group';
export const AGENCY_KINDS: readonly AgencyKind[] = [
  'party_department',
  'government_department',
  'people_organization',
  'financial_institution',
  'city',
  'group',
];

export interface AgencyRef {
  code: string;
  name: string;
  name_en: string;
  kind: AgencyKind | (string & {});
}

export interface Target {
  code: string;
  quote: string;
  indicator: string;
  value: number;
  value_max?: number | null;
  unit: string;
  approximate: boolean;
  comparator: 'about' | 'at_least' | 'exactly' | 'between';
  due: string;
  note?: string | null;
}

export interface GroupRead {
  number: number;
  numeral: string;
  title: string;
  intro: string;
}

export interface SectionRead {
  number: number;
  numeral: string;
  title: string;
}

export interface SectionWithGroups extends SectionRead {
  groups: GroupRead[];
}

export interface PlanSummary {
  code: string;
  title: string;
  title_en: string;
  document_number: string;
  issuers: string[];
  issued_on: string;
  period_start: string;
  period_end: string;
  region: string;
  task_count: number;
}

export interface PlanRead extends PlanSummary {
  overall_targets: Target[];
  sections: SectionWithGroups[];
  agencies: AgencyRef[];
  progress_percent: number | null;
}

export interface PlanRef {
  code: string;
  title: string;
}

export interface Progress {
  source: 'reported' | 'derived';
  value: number;
  percent: number;
  expected_value: number;
  status: StatusColour;
  /** The day the figures are judged at: today while the plan runs, its end date once it has ended. */
  as_of: string;
  /** True when these are the ended plan's final figures. */
  final?: boolean;
  /** Set on a final result: whether the target was met. */
  result?: 'achieved' | 'not_achieved' | null;
}

export interface AgencyShare {
  agency: AgencyRef | null;
  value: number;
  period?: string | null;
}

export interface ReportHistory {
  total: number;
  pending: number;
  accepted: number;
  returned: number;
  latest_period: string | null;
  latest_submitted_at: string | null;
}

export interface Deliverable extends Target {
  recurrence: 'once' | 'yearly';
  reporting: 'monthly' | 'quarterly' | 'half_yearly' | 'yearly';
  derived_from_program: string | null;
  part_of: string | null;
  progress: Progress;
  by_agency: AgencyShare[];
  reports: ReportHistory;
}

export interface Owner {
  agency: AgencyRef;
  role: OwnerRole;
  position: number;
  members: AgencyRef[];
}

export interface TaskSummary {
  plan_code: string;
  number: number;
  title: string;
  section: number;
  group: number | null;
  lead: AgencyRef[];
  responsible: AgencyRef[];
  deliverable_count: number;
  progress_percent: number | null;
}

export interface TaskRead {
  plan: PlanRef;
  number: number;
  title: string;
  clause: string;
  section: SectionRead;
  group: GroupRead | null;
  owners: Owner[];
  deliverables: Deliverable[];
  progress_percent: number | null;
  as_of?: string;
  final?: boolean;
}

export interface AgencyRead extends AgencyRef {
  plans: string[];
}

export interface AgencyTask {
  plan_code: string;
  number: number;
  title: string;
  role: OwnerRole;
  via: string | null;
  progress_percent: number | null;
}

export interface GroupMembership {
  plan_code: string;
  group: AgencyRef;
}

export interface AgencyDetail extends AgencyRead {
  members: GroupMembership[];
  member_of: GroupMembership[];
  leads: AgencyTask[];
  shares: AgencyTask[];
  progress_percent: number | null;
}

export interface MatrixCell {
  roles: OwnerRole[];
  via?: string | null;
}

export interface MatrixRow {
  number: number;
  title: string;
  cells: Record<string, MatrixCell>;
}

export interface Matrix {
  plan: PlanRef;
  agencies: AgencyRef[];
  rows: MatrixRow[];
}

export interface TaskListParams {
  plan?: string;
  section?: number;
  group?: number;
  agency?: string;
  role?: OwnerRole;
  q?: string;
  page: number;
  size: number;
}

/** Lists may come as a bare array or as a Page; the SPA reads either. */
export function itemsOf<T>(body: T[] | Page<T> | null | undefined): T[] {
  if (Array.isArray(body)) return body;
  if (body && Array.isArray(body.items)) return body.items;
  return [];
}

/** Name in the UI language: the Chinese name, or name_en in English. */
export function agencyName(agency: Pick<AgencyRef, 'name' | 'name_en'>, language: string): string {
  return language.startsWith('en') && agency.name_en ? agency.name_en : agency.name;
}

export const taskPath = (planCode: string, number: number) => `/tasks/${encodeURIComponent(planCode)}/${number}`;
export const agencyPath = (code: string) => `/agencies/${encodeURIComponent(code)}`;

/** Every list here has at most this many entries per page (the services' hard maximum). */
const MAX_PAGE_SIZE = 100;

export const plansQuery = () =>
  queryOptions({
    queryKey: ['plans'],
    queryFn: ({ signal }) =>
      apiGet<PlanSummary[] | Page<PlanSummary>>(`${AGENCIES_API}/plans${queryString({ size: MAX_PAGE_SIZE })}`, {
        signal,
      }).then(itemsOf),
    staleTime: 10 * 60_000,
  });

export function usePlansQuery() {
  return useQuery(plansQuery());
}

export const planQuery = (code: string | undefined) =>
  queryOptions({
    queryKey: ['plans', { code }],
    queryFn: ({ signal }) => apiGet<PlanRead>(`${AGENCIES_API}/plans/${encodeURIComponent(code!)}`, { signal }),
    enabled: Boolean(code),
    staleTime: 10 * 60_000,
  });

export function usePlanQuery(code: string | undefined) {
  return useQuery(planQuery(code));
}

export const tasksQuery = (params: TaskListParams) =>
  queryOptions({
    queryKey: ['tasks', params],
    queryFn: ({ signal }) => apiGet<Page<TaskSummary>>(`${AGENCIES_API}/tasks${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

export function useTasksQuery(params: TaskListParams) {
  return useQuery(tasksQuery(params));
}

export const taskQuery = (planCode: string, number: number) =>
  queryOptions({
    queryKey: ['task', { planCode, number }],
    queryFn: ({ signal }) =>
      apiGet<TaskRead>(`${AGENCIES_API}/tasks/${encodeURIComponent(planCode)}/${number}`, { signal }),
    enabled: Boolean(planCode) && Number.isInteger(number) && number > 0,
    staleTime: 30_000,
  });

export function useTaskQuery(planCode: string, number: number) {
  return useQuery(taskQuery(planCode, number));
}

export interface AgencyListParams {
  kind?: AgencyKind;
  /** Only the agencies this plan names, in its order. */
  plan?: string;
}

export const agenciesQuery = (params: AgencyListParams = {}) =>
  queryOptions({
    queryKey: ['agencies', params],
    queryFn: ({ signal }) =>
      apiGet<AgencyRead[] | Page<AgencyRead>>(
        `${AGENCIES_API}/agencies${queryString({ ...params, size: MAX_PAGE_SIZE })}`,
        { signal },
      ).then(itemsOf),
    staleTime: 10 * 60_000,
  });

export function useAgenciesQuery(params: AgencyListParams = {}) {
  return useQuery(agenciesQuery(params));
}

export const agencyQuery = (code: string | undefined) =>
  queryOptions({
    queryKey: ['agency', { code }],
    queryFn: ({ signal }) => apiGet<AgencyDetail>(`${AGENCIES_API}/agencies/${encodeURIComponent(code!)}`, { signal }),
    enabled: Boolean(code),
    staleTime: 30_000,
  });

export function useAgencyQuery(code: string | undefined) {
  return useQuery(agencyQuery(code));
}

export interface MatrixParams {
  plan: string;
  /** Also a column for each member of a group (the cities of 各市). */
  expand_groups?: boolean;
}

export const matrixQuery = (params: MatrixParams) =>
  queryOptions({
    queryKey: ['matrix', params],
    queryFn: ({ signal }) => apiGet<Matrix>(`${AGENCIES_API}/matrix${queryString(params)}`, { signal }),
    enabled: Boolean(params.plan),
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });

export function useMatrixQuery(params: MatrixParams) {
  return useQuery(matrixQuery(params));
}

export function matrixDownloadUrl(format: 'csv' | 'xlsx', params: MatrixParams): string {
  return `${AGENCIES_API}/matrix.${format}${queryString(params)}`;
}

export type EscalationLevel = 'reminder' | 'interview' | 'inquiry' | 'public_notice';
export const ESCALATION_LEVELS: readonly EscalationLevel[] = ['reminder', 'interview', 'inquiry', 'public_notice'];

export interface EscalationState {
  step: number;
  level: EscalationLevel;
  level_name: string;
  escalated_at: string;
}

/** A report that is due and missing (or was filed late), from /supervision/overdue. */
export interface OverdueItem {
  agency: AgencyRef;
  plan_code: string;
  task_number: number;
  deliverable_code: string;
  indicator: string;
  period: string;
  deadline: string;
  state: 'missing' | 'late';
  submitted_at: string | null;
  days_overdue: number;
  escalation: EscalationState | null;
  next_level: EscalationLevel | null;
}

/** The day one plan is judged at; `final` once it has ended (judged at its end date). */
export interface PlanJudgement {
  plan_code: string;
  as_of: string;
  final: boolean;
}

export interface OverduePage extends Page<OverdueItem> {
  as_of: string;
  final?: boolean;
  judged?: PlanJudgement[];
  by_agency: { agency: AgencyRef; missing: number; late: number }[];
}

export interface OverdueParams {
  agency?: string;
  plan?: string;
  state?: OverdueItem['state'];
  as_of?: string;
  page: number;
  size: number;
}

export function useOverdueQuery(params: OverdueParams, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['overdue', params],
    queryFn: ({ signal }) => apiGet<OverduePage>(`${AGENCIES_API}/supervision/overdue${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** A progress report as the public sees it (which agency reported what, and the decision). */
export interface ReportRead {
  id: number;
  deliverable_code: string;
  task: { plan_code: string; number: number; title: string };
  agency: AgencyRef;
  period: string;
  value: number;
  unit: string;
  narrative: string;
  evidence: string[];
  status: 'pending' | 'accepted' | 'returned';
  submitted_at: string;
  reviewed_at: string | null;
  review_comment: string | null;
}

export function useDeliverableReportsQuery(code: string, params: { page: number; size: number }, enabled: boolean) {
  return useQuery({
    queryKey: ['reports', { deliverable: code, ...params }],
    queryFn: ({ signal }) =>
      apiGet<Page<ReportRead>>(`${AGENCIES_API}/deliverables/${encodeURIComponent(code)}/reports${queryString(params)}`, {
        signal,
      }),
    enabled,
    placeholderData: keepPreviousData,
  });
}
