import { clearTokens, getTokens, setTokens, tokensFromPair } from '../auth/tokenStore';
import type { AuthTokens, TokenPair } from '../auth/tokenStore';
import { currentLanguage } from '../i18n';

/** One entry of the `errors` array of an RFC 9457 problem+json body. */
export interface ProblemFieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details, as the platform's services send them. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  /** Machine-readable error code, stable across languages. */
  code?: string;
  /** The message in every language the server has, keyed by language tag (`zh-CN`, `en`). */
  messages?: Record<string, string>;
  errors?: ProblemFieldError[];
  /** The id of the request in the platform's logs, for the support desk. */
  request_id?: string;
}

/**
 * Codes the client itself uses when no server problem is available:
 * `network_error` (fetch rejected), `invalid_response` (body not what the
 * caller expected), `http_error` (non-2xx response without problem+json).
 */
export type ClientErrorCode = 'network_error' | 'invalid_response' | 'http_error';

/** Thrown by the api* helpers. `status` is 0 when no HTTP response arrived. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly type: string | undefined;
  readonly errors: ProblemFieldError[];
  /** The parsed problem body, when the server sent one. */
  readonly problem: ProblemDetails | undefined;
  /** Seconds to wait before trying again (Retry-After of a 429), when the server said. */
  readonly retryAfterSeconds: number | undefined;
  /** The request's id in the platform's logs (the problem's request_id, else the X-Request-ID header). */
  readonly requestId: string | undefined;

  constructor(
    status: number,
    problem: ProblemDetails | undefined,
    fallback: { code?: string; message?: string; retryAfterSeconds?: number; requestId?: string } = {},
  ) {
    super(problem?.detail ?? problem?.title ?? fallback.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.code = problem?.code ?? fallback.code;
    this.title = problem?.title;
    this.detail = problem?.detail;
    this.type = problem?.type;
    this.errors = problem?.errors ?? [];
    this.retryAfterSeconds = fallback.retryAfterSeconds;
    this.requestId = problem?.request_id ?? fallback.requestId;
  }

  /** The server's message in `language` when it sent one per language, else its detail. */
  localizedDetail(language: string): string | undefined {
    return this.problem?.messages?.[language] ?? this.detail;
  }

  get isNetworkError(): boolean {
    return this.code === 'network_error';
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads an RFC 9457 problem object defensively: keeps only well-typed
 * members, drops malformed `errors` entries. Returns undefined when the
 * value is not an object or carries none of the problem members.
 */
export function parseProblem(body: unknown): ProblemDetails | undefined {
  if (!isRecord(body)) return undefined;
  const problem: ProblemDetails = {};
  const type = optionalString(body.type);
  const title = optionalString(body.title);
  const detail = optionalString(body.detail);
  const instance = optionalString(body.instance);
  const code = optionalString(body.code);
  const requestId = optionalString(body.request_id);
  if (requestId !== undefined) problem.request_id = requestId;
  if (type !== undefined) problem.type = type;
  if (title !== undefined) problem.title = title;
  if (detail !== undefined) problem.detail = detail;
  if (instance !== undefined) problem.instance = instance;
  if (code !== undefined) problem.code = code;
  if (typeof body.status === 'number' && Number.isInteger(body.status)) problem.status = body.status;
  if (isRecord(body.messages)) {
    const messages = Object.fromEntries(
      Object.entries(body.messages).filter((entry): entry is [string, string] => optionalString(entry[1]) !== undefined),
    );
    if (Object.keys(messages).length > 0) problem.messages = messages;
  }
  if (Array.isArray(body.errors)) {
    problem.errors = body.errors.flatMap((entry): ProblemFieldError[] => {
      if (!isRecord(entry)) return [];
      const message = optionalString(entry.message);
      if (message === undefined) return [];
      return [{ field: typeof entry.field === 'string' ? entry.field : '', message }];
    });
  }
  return Object.keys(problem).length > 0 ? problem : undefined;
}

function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

const NO_BODY = Symbol('no-body');

/** Parsed JSON body of a response, or NO_BODY when it is not JSON or not parseable. */
async function readJsonBody(res: Response): Promise<unknown> {
  if (!isJsonContentType(res.headers.get('Content-Type'))) return NO_BODY;
  try {
    return await res.json();
  } catch {
    return NO_BODY;
  }
}

/** Retry-After in seconds (the header, or a problem's `retry_after` member), when given. */
function retryAfterOf(res: Response, body: unknown): number | undefined {
  const header = res.headers.get('Retry-After');
  if (header && /^\d+$/.test(header.trim())) return Number(header.trim());
  if (isRecord(body) && typeof body.retry_after === 'number' && body.retry_after >= 0) return body.retry_after;
  return undefined;
}

function errorFromBody(res: Response, body: unknown): ApiError {
  const problem = body === NO_BODY ? undefined : parseProblem(body);
  return new ApiError(res.status, problem, {
    code: 'http_error',
    message: res.statusText || undefined,
    retryAfterSeconds: retryAfterOf(res, body),
    requestId: res.headers.get('X-Request-ID') ?? undefined,
  });
}

/** Builds the ApiError for a non-OK response, parsing problem+json if present. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  return errorFromBody(res, await readJsonBody(res));
}

export interface RequestOptions {
  signal?: AbortSignal;
  /**
   * Lets a caller take a non-2xx response as a result: called with the status
   * and parsed JSON body; when it returns true the body is returned instead
   * of an ApiError being thrown (e.g. /api/v1/health answers 503 with a normal
   * health body while degraded).
   */
  acceptErrorBody?: (status: number, body: unknown) => boolean;
  headers?: Record<string, string>;
  /**
   * false: send no Authorization header and never refresh (sign-in, sign-up,
   * refresh itself). Default true: the signed-in user's access token is sent.
   */
  auth?: boolean;
}

/** Base path of the API; the vite dev server and the gateway both serve it at /api/v1 (/api is its deprecated alias). */
export const API_BASE = '/api/v1';
export const REFRESH_PATH = '/api/v1/auth/refresh';

/** Code of the gateway's 401 for an expired or unreadable access token: refresh and try again. */
const EXPIRED_ACCESS_CODE = 'invalid_access_token';

export function buildUrl(path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  if (path.startsWith(`${API_BASE}/`) || path === API_BASE) return path;
  return `${API_BASE}${path.startsWith('/') ? '' : '/'}${path}`;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, undefined, { code: 'network_error', message: cause instanceof Error ? cause.message : undefined });
  }
}

function jsonHeaders(extra?: Record<string, string>): Record<string, string> {
  return {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': currentLanguage(),
    ...extra,
  };
}

/** Statuses of a refresh answer that mean the session is over (rather than "try later"). */
function refreshWasRefused(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

async function exchangeRefreshToken(spent: AuthTokens): Promise<void> {
  const res = await send(REFRESH_PATH, {
    method: 'POST',
    headers: jsonHeaders({ 'Content-Type': 'application/json' }),
    body: JSON.stringify({ refresh_token: spent.refresh_token }),
  });
  const body = await readJsonBody(res);
  if (!res.ok) {
    if (refreshWasRefused(res.status)) clearTokens('expired');
    throw errorFromBody(res, body);
  }
  const pair = body as Partial<TokenPair> | typeof NO_BODY;
  if (pair === NO_BODY || typeof pair.access_token !== 'string' || typeof pair.refresh_token !== 'string') {
    clearTokens('expired');
    throw new ApiError(res.status, undefined, { code: 'invalid_response' });
  }
  // Signed out (or in as someone else) while the refresh was on its way: keep what is there now.
  if (getTokens()?.refresh_token !== spent.refresh_token) return;
  setTokens(tokensFromPair({ expires_in: 0, token_type: 'bearer', ...pair } as TokenPair));
}

let refreshInFlight: Promise<void> | null = null;

/**
 * Spends the refresh token for a new pair. Concurrent callers share one
 * request (a refresh token works once). When the gateway refuses it the
 * session is over: the tokens are cleared with reason "expired". Network
 * errors and 429/5xx keep the tokens and reject.
 */
export function refreshSession(): Promise<void> {
  const current = getTokens();
  if (!current) return Promise.reject(new ApiError(401, undefined, { code: 'not_signed_in' }));
  refreshInFlight ??= exchangeRefreshToken(current).finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

export async function apiRequest<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const url = buildUrl(path);
  const useAuth = options.auth !== false;

  const attempt = (tokens: AuthTokens | null): Promise<Response> => {
    const headers = jsonHeaders(options.headers);
    if (tokens) headers.Authorization = `Bearer ${tokens.access_token}`;
    const init: RequestInit = { method, headers, signal: options.signal };
    if (body instanceof FormData) {
      // The browser sets the multipart boundary itself.
      init.body = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return send(url, init);
  };

  const sentTokens = useAuth ? getTokens() : null;
  let res = await attempt(sentTokens);
  let errorBody: unknown = NO_BODY;

  if (!res.ok) {
    errorBody = await readJsonBody(res);
    const expired = res.status === 401 && sentTokens !== null && parseProblem(errorBody)?.code === EXPIRED_ACCESS_CODE;
    if (expired) {
      // Another request may already have refreshed while this one was out.
      if (getTokens()?.access_token === sentTokens.access_token) {
        try {
          await refreshSession();
        } catch (refreshError) {
          // The session is over (tokens cleared): the retry below goes out anonymously, which public
          // pages are fine with. Otherwise (network, 429, 5xx) the refresh failure is the answer.
          if (getTokens() !== null) throw refreshError;
        }
      }
      res = await attempt(getTokens());
      errorBody = res.ok ? NO_BODY : await readJsonBody(res);
    }
  }

  if (!res.ok) {
    if (errorBody !== NO_BODY && options.acceptErrorBody?.(res.status, errorBody)) return errorBody as T;
    throw errorFromBody(res, errorBody);
  }
  if (res.status === 204) return undefined as T;

  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, undefined, { code: 'invalid_response' });
  }
}

export function apiGet<T>(path: string, options?: RequestOptions): Promise<T> {
  return apiRequest<T>('GET', path, undefined, options);
}

export function apiPost<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return apiRequest<T>('POST', path, body, options);
}

export function apiPut<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return apiRequest<T>('PUT', path, body, options);
}

export function apiPatch<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
  return apiRequest<T>('PATCH', path, body, options);
}

/** A multipart upload (e.g. an attachment): `FormData` goes as is. */
export function apiUpload<T>(path: string, body: FormData, options?: RequestOptions): Promise<T> {
  return apiRequest<T>('POST', path, body, options);
}

export function apiDelete<T>(path: string, options?: RequestOptions): Promise<T> {
  return apiRequest<T>('DELETE', path, undefined, options);
}
