/**
 * The agencies service (责任矩阵) as the SPA reads it through the gateway at
 * /api/v1/agencies: plans, tasks, agencies, the responsibility matrix and
 * overdue reports. Public reads, no token needed (supervision excepted).
 * Response and request types are the generated ones (./schema.d.ts, from the
 * merged OpenAPI document); the few kept here narrow a generated type.
 */
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { apiGet } from './http';
import type { Page } from './page';
import { queryString } from './page';
import type { components } from './schema';

type Schemas = components['schemas'];

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

export type AgencyRef = Schemas['AgenciesAgencyRef'];

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

export type GroupRead = Schemas['AgenciesGroupRead'];

export type SectionRead = Schemas['AgenciesSectionRead'];

export type SectionWithGroups = Schemas['AgenciesSectionWithGroups'];

export type PlanSummary = Schemas['AgenciesPlanSummary'];

export type PlanRead = Schemas['AgenciesPlanRead'];

export type PlanRef = Schemas['AgenciesPlanRef'];

export type Progress = Schemas['AgenciesProgress'];

export type AgencyShare = Schemas['AgenciesAgencyShare'];

export type ReportHistory = Schemas['AgenciesReportHistory'];

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

export type TaskSummary = Schemas['AgenciesTaskSummary'];

export type TaskRead = Schemas['AgenciesTaskRead'];

export type AgencyRead = Schemas['AgenciesAgencyRead'];

export type AgencyTask = Schemas['AgenciesAgencyTask'];

export type GroupMembership = Schemas['AgenciesGroupMembership'];

export type AgencyDetail = Schemas['AgenciesAgencyDetail'];

export type MatrixCell = Schemas['AgenciesMatrixCell'];

export type MatrixRow = Schemas['AgenciesMatrixRow'];

export type Matrix = Schemas['AgenciesMatrix'];

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

export type EscalationState = Schemas['AgenciesEscalationState'];

/** A report that is due and missing (or was filed late), from /supervision/overdue. */
export type OverdueItem = Schemas['AgenciesOverdueItem'];

/** The day one plan is judged at; `final` once it has ended (judged at its end date). */
export type PlanJudgement = Schemas['AgenciesPlanJudgement'];

export type OverduePage = Schemas['AgenciesOverduePage'];

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
export type ReportRead = Schemas['AgenciesReportRead'];

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
