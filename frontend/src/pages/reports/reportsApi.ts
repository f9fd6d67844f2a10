/** Progress reports: an agency files them on the deliverables it owns; the task's lead agency reviews them. */
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';

import type { ReportRead } from '../../api/agencies';
import { AGENCIES_API } from '../../api/agencies';
import { apiGet, apiPost } from '../../api/http';
import type { Page } from '../../api/page';
import { queryString } from '../../api/page';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export interface ReportListParams {
  agency?: string;
  status?: ReportRead['status'];
  /** Only pending reports on tasks this agency leads. */
  awaiting_review_by?: string;
  deliverable?: string;
  plan?: string;
  page: number;
  size: number;
}

export type ReportCreate = Schemas['AgenciesReportCreate'];

export const reportsQuery = (params: ReportListParams) =>
  queryOptions({
    queryKey: ['reports', params],
    queryFn: ({ signal }) => apiGet<Page<ReportRead>>(`${AGENCIES_API}/reports${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
  });

export function useReportsQuery(params: ReportListParams, enabled = true) {
  return useQuery({ ...reportsQuery(params), enabled });
}

/** A report changes the deliverable's figures, its task's, its agency's and the overdue list. */
function invalidateProgress(queryClient: QueryClient) {
  return Promise.all(
    ['reports', 'task', 'tasks', 'agency', 'overdue', 'plans'].map((key) => queryClient.invalidateQueries({ queryKey: [key] })),
  );
}

export function useSubmitReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ deliverable, body, idempotencyKey }: { deliverable: string; body: ReportCreate; idempotencyKey: string }) =>
      apiPost<ReportRead>(`${AGENCIES_API}/deliverables/${encodeURIComponent(deliverable)}/reports`, body, {
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    onSuccess: () => invalidateProgress(queryClient),
  });
}

export type ReviewDecision = 'accept' | 'return';

export function useReviewReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, comment, idempotencyKey }: { id: number; decision: ReviewDecision; comment: string; idempotencyKey: string }) =>
      apiPost<ReportRead>(`${AGENCIES_API}/reports/${id}/${decision}`, { comment }, { headers: { 'Idempotency-Key': idempotencyKey } }),
    onSuccess: () => invalidateProgress(queryClient),
  });
}
