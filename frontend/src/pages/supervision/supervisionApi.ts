/** Supervision (督查督办): escalating an overdue report one rung, and the steps already taken. */
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { AGENCIES_API } from '../../api/agencies';
import { apiGet, apiPost } from '../../api/http';
import type { Page } from '../../api/page';
import { queryString } from '../../api/page';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type EscalationRead = Schemas['AgenciesEscalationRead'];

export type EscalationCreate = Schemas['AgenciesEscalationCreate'];

export interface EscalationListParams {
  deliverable?: string;
  agency?: string;
  period?: string;
  page: number;
  size: number;
}

export const escalationsQuery = (params: EscalationListParams) =>
  queryOptions({
    queryKey: ['escalations', params],
    queryFn: ({ signal }) => apiGet<Page<EscalationRead>>(`${AGENCIES_API}/supervision/escalations${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
  });

export function useEscalationsQuery(params: EscalationListParams, enabled = true) {
  return useQuery({ ...escalationsQuery(params), enabled });
}

export function useEscalate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: EscalationCreate; idempotencyKey: string }) =>
      apiPost<EscalationRead>(`${AGENCIES_API}/supervision/escalations`, body, { headers: { 'Idempotency-Key': idempotencyKey } }),
    onSuccess: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: ['overdue'] }), queryClient.invalidateQueries({ queryKey: ['escalations'] })]),
  });
}
