import { useQuery } from '@tanstack/react-query';

import { ApiError, apiGet } from '../../api/http';

/** Status of one backend service as reported by the gateway's /api/v1/health. */
export type ServiceStatus = 'up' | 'down' | 'not_ready';
export type OverallStatus = 'ok' | 'degraded';

export interface ServiceHealth {
  name: string;
  /** Normally a ServiceStatus; kept as string so an unknown value still renders. */
  status: ServiceStatus | (string & {});
  latency_ms: number | null;
  version: string | null;
  detail: string | null;
}

export interface HealthResponse {
  status: OverallStatus | (string & {});
  checked_at: string;
  services: ServiceHealth[];
}

export const HEALTH_QUERY_KEY = ['health'] as const;
export const HEALTH_POLL_INTERVAL_MS = 5000;
export const HEALTH_PATH = '/api/v1/health';

export const SERVICE_STATUSES: readonly ServiceStatus[] = ['up', 'down', 'not_ready'];

export function isServiceStatus(value: string): value is ServiceStatus {
  return (SERVICE_STATUSES as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nullableString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function parseService(value: unknown): ServiceHealth | undefined {
  if (!isRecord(value) || typeof value.name !== 'string' || typeof value.status !== 'string') return undefined;
  return {
    name: value.name,
    status: value.status,
    latency_ms: typeof value.latency_ms === 'number' && Number.isFinite(value.latency_ms) ? value.latency_ms : null,
    version: nullableString(value.version),
    detail: nullableString(value.detail),
  };
}

/** Validates a /api/v1/health body; returns undefined when it is not one. */
export function parseHealthResponse(body: unknown): HealthResponse | undefined {
  if (!isRecord(body) || typeof body.status !== 'string' || !Array.isArray(body.services)) return undefined;
  const services: ServiceHealth[] = [];
  for (const entry of body.services) {
    const service = parseService(entry);
    if (service === undefined) return undefined;
    services.push(service);
  }
  return {
    status: body.status,
    checked_at: typeof body.checked_at === 'string' ? body.checked_at : '',
    services,
  };
}

/**
 * GET /api/v1/health. The gateway may answer 503 while degraded; that body is
 * the same health document and is returned like a 200 one.
 */
export async function fetchHealth(signal?: AbortSignal): Promise<HealthResponse> {
  const body = await apiGet<unknown>(HEALTH_PATH, {
    signal,
    acceptErrorBody: (status, errorBody) => status === 503 && parseHealthResponse(errorBody) !== undefined,
  });
  const health = parseHealthResponse(body);
  if (health === undefined) throw new ApiError(200, undefined, { code: 'invalid_response' });
  return health;
}

export function useHealthQuery() {
  return useQuery({
    queryKey: HEALTH_QUERY_KEY,
    queryFn: ({ signal }) => fetchHealth(signal),
    refetchInterval: HEALTH_POLL_INTERVAL_MS,
    // Polling already retries every 5 s; show failures straight away.
    retry: false,
  });
}
