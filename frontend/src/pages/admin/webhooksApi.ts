import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { apiDelete, apiGet, apiPatch, apiPost } from '../../api/http';

export interface EventType {
  name: string;
  source: string;
  summary_zh: string;
  summary_en: string;
}

export type EndpointStatus = 'active' | 'disabled';

export interface EndpointRead {
  id: number;
  agency_code: string | null;
  url: string;
  description: string;
  event_types: string[];
  status: EndpointStatus;
  disabled_reason: string | null;
  previous_secret_expires_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface EndpointCreated extends EndpointRead {
  /** The signing secret (whsec_…): in this answer only. */
  secret: string;
}

export interface EndpointCreate {
  url: string;
  event_types: string[];
  description: string;
  agency_code?: string;
}

export interface AttemptRead {
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryRead {
  id: number;
  event_id: string;
  event_type: string;
  subject: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
  attempt_log: AttemptRead[];
}

const ENDPOINTS_KEY = 'webhook-endpoints';
const DELIVERIES_KEY = 'webhook-deliveries';
const BASE = '/agencies/webhooks/endpoints';

export function useEventTypes() {
  return useQuery({
    queryKey: ['event-types'],
    queryFn: ({ signal }) => apiGet<EventType[]>('/agencies/events/types', { signal }),
    staleTime: Infinity,
  });
}

export function useEndpoints() {
  return useQuery({
    queryKey: [ENDPOINTS_KEY],
    queryFn: ({ signal }) => apiGet<{ items: EndpointRead[] }>(BASE, { signal }),
  });
}

export function useDeliveries(endpointId: number | null) {
  return useQuery({
    queryKey: [DELIVERIES_KEY, endpointId],
    queryFn: ({ signal }) =>
      apiGet<{ items: DeliveryRead[]; next: string | null }>(`${BASE}/${endpointId}/deliveries?size=50`, { signal }),
    enabled: endpointId !== null,
  });
}

function useEndpointMutation<Variables, Result>(run: (variables: Variables) => Promise<Result>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: [ENDPOINTS_KEY] }),
        queryClient.invalidateQueries({ queryKey: [DELIVERIES_KEY] }),
      ]),
  });
}

/** The created or rotated endpoint comes back with its secret, handed to the caller only (never cached). */
export function useCreateEndpoint() {
  return useEndpointMutation((body: EndpointCreate) => apiPost<EndpointCreated>(BASE, body));
}

export function useRotateSecret() {
  return useEndpointMutation((id: number) => apiPost<EndpointCreated>(`${BASE}/${id}/rotate-secret`));
}

export function useSetEndpointStatus() {
  return useEndpointMutation(({ id, status }: { id: number; status: EndpointStatus }) =>
    apiPatch<EndpointRead>(`${BASE}/${id}`, { status }),
  );
}

export function useDeleteEndpoint() {
  return useEndpointMutation((id: number) => apiDelete<void>(`${BASE}/${id}`));
}

export function useRedeliver() {
  return useEndpointMutation(({ endpointId, deliveryId }: { endpointId: number; deliveryId: number }) =>
    apiPost<void>(`${BASE}/${endpointId}/deliveries/${deliveryId}/redeliver`),
  );
}
