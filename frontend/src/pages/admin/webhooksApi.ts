import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { apiDelete, apiGet, apiPatch, apiPost } from '../../api/http';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type EventType = Schemas['AgenciesEventTypeRead'];
export type EndpointRead = Schemas['AgenciesEndpointRead'];
export type EndpointStatus = EndpointRead['status'];
/** With the signing secret (whsec_…): in the creating answer only. */
export type EndpointCreated = Schemas['AgenciesEndpointCreated'];
export type EndpointCreate = Schemas['AgenciesEndpointCreate'];
export type AttemptRead = Schemas['AgenciesAttemptRead'];
export type DeliveryRead = Schemas['AgenciesDeliveryRead'];
export type DeliveryStatus = DeliveryRead['status'];

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
