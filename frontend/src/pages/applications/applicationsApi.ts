/** The applications service (申报): programs, calls, quotas, applications, expert reviews, public notices. */
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { apiDelete, apiGet, apiPatch, apiPost, apiPut, apiUpload } from '../../api/http';
import type { Page } from '../../api/page';
import { queryString } from '../../api/page';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export const APPLICATIONS_API = '/applications';

/** The service names things in both languages. */
export type Label = Schemas['ApplicationsLabel'];

export const labelText = (label: Label | null | undefined, language: string) => (label ? (language.startsWith('zh') ? label.zh : label.en) : '');

export type AgencyRef = Schemas['ApplicationsAgencyRef'];

export type AmountRead = Schemas['ApplicationsAmountRead'];

export type ApplicantType = 'person' | 'team' | 'institution';
export type CallStatus = 'upcoming' | 'open' | 'closed';

export type CallProgram = Schemas['ApplicationsCallProgram'];

export type QuotaFigures = Schemas['ApplicationsQuotaFigures'];

export type AllocationRead = Schemas['ApplicationsAllocationRead'];

export type QuotaRead = Schemas['ApplicationsQuotaRead'];

export type CallSummary = Schemas['ApplicationsCallSummary'];

export type AgeLimitRead = Schemas['ApplicationsAgeLimitRead'];

export type FormRef = Schemas['ApplicationsFormRef'];

export type CallRead = Schemas['ApplicationsCallRead'];

export type Facet = Schemas['ApplicationsFacet'];

export type CallCatalog = Schemas['ApplicationsCallCatalog'];

export interface CallFilters {
  q?: string;
  status?: CallStatus;
  applicant_type?: ApplicantType;
  task?: string;
  agency?: string;
  open_now?: boolean;
  page: number;
  size: number;
}

export type FormRead = Schemas['ApplicationsFormRead'];

export type ProgramSummary = Schemas['ApplicationsProgramSummary'];

export type ProgramRead = Schemas['ApplicationsProgramRead'];

export type Criterion = Schemas['ApplicationsCriterionRead'];

export type ActionRead = Schemas['ApplicationsActionRead'];

export type EventRead = Schemas['ApplicationsEventRead'];

export type AttachmentRead = Schemas['ApplicationsAttachmentRead'];

export interface PersonalData {
  id_type: 'resident_id' | 'passport';
  id_number: string | null;
  phone: string | null;
  email: string | null;
  gender: string | null;
  birth_date: string | null;
}

export type ApplicationSummary = Schemas['ApplicationsApplicationSummary'];

export type ApplicationRead = Schemas['ApplicationsApplicationRead'];

export interface ApplicationListParams {
  state?: string;
  call_id?: number;
  nominating_agency?: string;
  page: number;
  size: number;
}

export type ScoreSheetRead = Schemas['ApplicationsScoreSheetRead'];

export type AssignmentRead = Schemas['ApplicationsAssignmentRead'];

export type ReviewSummary = Schemas['ApplicationsReviewSummary'];

export type MyAssignment = Schemas['ApplicationsMyAssignmentRead'];

export type NoticeEntry = Schemas['ApplicationsNoticeEntryRead'];

export type NoticeRead = Schemas['ApplicationsNoticeRead'];

export type ObjectionCreate = Schemas['ApplicationsObjectionCreate'];

export type ObjectionRead = Schemas['ApplicationsObjectionRead'];

export type QuotaChange = Schemas['ApplicationsQuotaChangeRead'];

export type CalendarYearRead = Schemas['ApplicationsCalendarYearRead'];

export type CalendarYearEntry = Schemas['ApplicationsCalendarYearEntry'];

export type CalendarDayEntry = Schemas['ApplicationsCalendarDayEntry-Input'];

const idem = (key: string) => ({ headers: { 'Idempotency-Key': key } });

export const callsQuery = (filters: CallFilters) =>
  queryOptions({
    queryKey: ['calls', filters],
    queryFn: ({ signal }) => apiGet<CallCatalog>(`${APPLICATIONS_API}/calls${queryString(filters)}`, { signal }),
    placeholderData: keepPreviousData,
  });

export const callQuery = (id: number) =>
  queryOptions({ queryKey: ['call', id], queryFn: ({ signal }) => apiGet<CallRead>(`${APPLICATIONS_API}/calls/${id}`, { signal }) });

export const applicationQuery = (id: number) =>
  queryOptions({ queryKey: ['application', id], queryFn: ({ signal }) => apiGet<ApplicationRead>(`${APPLICATIONS_API}/applications/${id}`, { signal }) });

export const applicationsQuery = (params: ApplicationListParams) =>
  queryOptions({
    queryKey: ['applications', params],
    queryFn: ({ signal }) => apiGet<Page<ApplicationSummary>>(`${APPLICATIONS_API}/applications${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
  });

export interface NoticeFilters {
  call_id?: number;
  status?: NoticeRead['status'];
}

export const noticesQuery = (params: NoticeFilters) =>
  queryOptions({
    queryKey: ['notices', params],
    queryFn: ({ signal }) => apiGet<NoticeRead[]>(`${APPLICATIONS_API}/notices${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
  });

export const useCallsQuery = (filters: CallFilters) => useQuery(callsQuery(filters));
export const useCallQuery = (id: number) => useQuery({ ...callQuery(id), enabled: Number.isInteger(id) && id > 0 });
export const useApplicationQuery = (id: number) => useQuery({ ...applicationQuery(id), enabled: Number.isInteger(id) && id > 0 });
export const useApplicationsQuery = (params: ApplicationListParams, enabled = true) => useQuery({ ...applicationsQuery(params), enabled });
export const useNoticesQuery = (params: NoticeFilters) => useQuery(noticesQuery(params));
export const useNoticeQuery = (id: number) =>
  useQuery({ queryKey: ['notice', id], queryFn: ({ signal }) => apiGet<NoticeRead>(`${APPLICATIONS_API}/notices/${id}`, { signal }), enabled: id > 0 });

export function useFormQuery(form: FormRef | undefined) {
  return useQuery({
    queryKey: ['form', form?.code, form?.version],
    queryFn: ({ signal }) => apiGet<FormRead>(`${APPLICATIONS_API}/forms/${form!.code}${queryString({ version: form!.version })}`, { signal }),
    enabled: Boolean(form),
    staleTime: Infinity,
  });
}

export function useProgramsQuery(page: number, size = 50) {
  return useQuery({
    queryKey: ['programs', { page, size }],
    queryFn: ({ signal }) => apiGet<Page<ProgramSummary>>(`${APPLICATIONS_API}/programs${queryString({ page, size })}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useProgramQuery(code: string | undefined) {
  return useQuery({
    queryKey: ['program', code],
    queryFn: ({ signal }) => apiGet<ProgramRead>(`${APPLICATIONS_API}/programs/${code}`, { signal }),
    enabled: Boolean(code),
  });
}

export function useReviewsQuery(applicationId: number, enabled: boolean) {
  return useQuery({
    queryKey: ['reviews', applicationId],
    queryFn: ({ signal }) => apiGet<ReviewSummary>(`${APPLICATIONS_API}/applications/${applicationId}/reviews`, { signal }),
    enabled,
    retry: false,
  });
}

export function useMyAssignmentsQuery() {
  return useQuery({
    queryKey: ['assignments'],
    queryFn: ({ signal }) => apiGet<MyAssignment[]>(`${APPLICATIONS_API}/reviews/assignments`, { signal }),
  });
}

export function useQuotaChangesQuery(callId: number) {
  return useQuery({
    queryKey: ['quota-changes', callId],
    queryFn: ({ signal }) => apiGet<QuotaChange[]>(`${APPLICATIONS_API}/calls/${callId}/quota-changes`, { signal }),
  });
}

/** A year's working-day calendar; a year nobody entered (and the package lacks) is a 404 `calendar_year_not_entered`. */
export const calendarYearQuery = (year: number) =>
  queryOptions({ queryKey: ['calendar', year], queryFn: ({ signal }) => apiGet<CalendarYearRead>(`${APPLICATIONS_API}/calendar/${year}`, { signal }) });

export const useCalendarYearQuery = (year: number) => useQuery(calendarYearQuery(year));

/** Enters (or replaces) a year's days; the answer is the year as now stored, so it goes straight into the cache. */
export function useEnterCalendarYear() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ year, ...body }: CalendarYearEntry & { year: number }) => apiPut<CalendarYearRead>(`${APPLICATIONS_API}/calendar/${year}`, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(calendarYearQuery(saved.year).queryKey, saved);
      return queryClient.invalidateQueries({ queryKey: ['calendar', saved.year] });
    },
  });
}

/** Every write invalidates what it changes: the application, the lists, the call's quota, reviews. */
function useApplicationsMutation<Vars, Result>(fn: (vars: Vars) => Promise<Result>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () =>
      Promise.all(
        ['application', 'applications', 'call', 'calls', 'reviews', 'assignments', 'notices', 'notice', 'quota-changes', 'program', 'programs'].map((key) =>
          queryClient.invalidateQueries({ queryKey: [key] }),
        ),
      ),
  });
}

export const useStartApplication = () =>
  useApplicationsMutation(({ key, ...body }: { key: string; call_id: number; nominating_agency: string; form_data: Record<string, unknown> }) =>
    apiPost<ApplicationRead>(`${APPLICATIONS_API}/applications`, body, idem(key)),
  );

export const useSaveApplication = () =>
  useApplicationsMutation(({ id, ...body }: { id: number; form_data?: Record<string, unknown>; personal?: PersonalData; nominating_agency?: string }) =>
    apiPatch<ApplicationRead>(`${APPLICATIONS_API}/applications/${id}`, body),
  );

export const useTransition = () =>
  useApplicationsMutation(({ id, key, action, comment }: { id: number; key: string; action: string; comment: string }) =>
    apiPost<ApplicationRead>(`${APPLICATIONS_API}/applications/${id}/transitions`, { action, comment }, idem(key)),
  );

export const useUploadAttachment = () =>
  useApplicationsMutation(({ id, key, file, label }: { id: number; key: string; file: File; label: string }) => {
    const body = new FormData();
    body.append('file', file);
    body.append('label', label);
    return apiUpload<AttachmentRead>(`${APPLICATIONS_API}/applications/${id}/attachments`, body, idem(key));
  });

export const useDeleteAttachment = () =>
  useApplicationsMutation(({ id, attachmentId }: { id: number; attachmentId: number }) =>
    apiDelete<void>(`${APPLICATIONS_API}/applications/${id}/attachments/${attachmentId}`),
  );

export const useAssignExpert = () =>
  useApplicationsMutation(({ id, key, expert, expert_name }: { id: number; key: string; expert: string; expert_name: string }) =>
    apiPost<AssignmentRead>(`${APPLICATIONS_API}/applications/${id}/experts`, { expert, expert_name }, idem(key)),
  );

export const usePublishNotice = () =>
  useApplicationsMutation(({ callId, key, application_ids }: { callId: number; key: string; application_ids?: number[] }) =>
    apiPost<NoticeRead>(`${APPLICATIONS_API}/calls/${callId}/notices`, { application_ids: application_ids ?? null }, idem(key)),
  );

export const useFileObjection = () =>
  useApplicationsMutation(({ noticeId, key, ...body }: ObjectionCreate & { noticeId: number; key: string }) =>
    apiPost<{ id: number; status: string; resolve_by: string }>(`${APPLICATIONS_API}/notices/${noticeId}/objections`, body, idem(key)),
  );

export const useDeclare = () =>
  useApplicationsMutation(({ id, key, declaration, note }: { id: number; key: string; declaration: 'no_conflict' | 'conflict'; note: string }) =>
    apiPost<AssignmentRead>(`${APPLICATIONS_API}/reviews/assignments/${id}/declaration`, { declaration, note }, idem(key)),
  );

export const useScore = () =>
  useApplicationsMutation(({ id, scores, comment }: { id: number; scores: Record<string, number>; comment: string }) =>
    apiPut<ScoreSheetRead>(`${APPLICATIONS_API}/reviews/assignments/${id}/score-sheet`, { scores, comment }),
  );

export const useSetQuota = () =>
  useApplicationsMutation(({ callId, total, reason }: { callId: number; total: number; reason: string }) =>
    apiPut<QuotaRead>(`${APPLICATIONS_API}/calls/${callId}/quota`, { total, reason }),
  );

export const useSetAllocation = () =>
  useApplicationsMutation(({ callId, agency, size, reason }: { callId: number; agency: string; size: number; reason: string }) =>
    apiPut<QuotaRead>(`${APPLICATIONS_API}/calls/${callId}/allocations/${agency}`, { size, reason }),
  );

export const useUpdateProgram = () =>
  useApplicationsMutation(({ code, ...body }: { code: string; decided_amount_fen?: number; description?: string; min_experts?: number }) =>
    apiPatch<ProgramRead>(`${APPLICATIONS_API}/programs/${code}`, body),
  );

/** Yuan as the service states them ("100000"), shown with grouping. */
export function formatYuan(fen: number | null | undefined, language: string): string {
  if (fen === null || fen === undefined) return '—';
  const yuan = fen / 100;
  return language.startsWith('zh') ? `${yuan.toLocaleString('zh-CN')} 元` : `¥${yuan.toLocaleString('en')}`;
}
