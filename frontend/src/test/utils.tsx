import { QueryClient } from '@tanstack/react-query';
import { render, waitFor } from '@testing-library/react';
import { expect, vi } from 'vitest';

import App from '../App';

/**
 * Renders the whole app (providers, router, layout) at `path`, once the route's page (loaded lazily)
 * is on screen.
 */
export async function renderApp(path: string) {
  window.history.pushState(null, '', path);
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity } },
  });
  const result = render(<App queryClient={queryClient} />);
  await waitFor(() => expect(document.getElementById('main')?.firstElementChild?.childElementCount).toBeGreaterThan(0));
  return { ...result, queryClient };
}

export function jsonResponse(body: unknown, status = 200, contentType = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });
}

/** Replaces globalThis.fetch with a mock answering every call with `respond()`. */
export function mockFetch(respond: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return respond(url, init);
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** Reads a header from the init of a recorded fetch call. */
export function headerOf(init: RequestInit | undefined, name: string): string | null {
  return new Headers(init?.headers).get(name);
}

export function problemResponse(status: number, code: string, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return new Response(
    JSON.stringify({
      type: `/problems/${code}`,
      title: 'Error',
      status,
      code,
      detail,
      messages: { 'zh-CN': detail, en: detail },
      errors: [],
      ...extra,
    }),
    { status, headers: { 'Content-Type': 'application/problem+json', ...headers } },
  );
}

export type RouteHandler = (url: URL, init: RequestInit | undefined) => Response | Promise<Response>;

/**
 * Mocks fetch with a tiny router: "METHOD /path" → handler (path without the
 * query string; `*` matches one path segment). Unrouted requests get a 404
 * problem, so a test notices calls it did not expect.
 */
export function mockApi(routes: Record<string, RouteHandler>) {
  const compiled = Object.entries(routes).map(([route, handler]) => {
    const [method, path] = route.split(' ') as [string, string];
    const pattern = new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}$`);
    return { method, pattern, handler };
  });
  return mockFetch((input, init) => {
    const url = new URL(input, 'http://localhost');
    const method = init?.method ?? 'GET';
    const match = compiled.find((route) => route.method === method && route.pattern.test(url.pathname));
    if (!match) return problemResponse(404, 'not_found', `no route for ${method} ${url.pathname}`);
    return match.handler(url, init);
  });
}

/** The parsed JSON body of a recorded fetch call. */
export function bodyOf(init: RequestInit | undefined): unknown {
  return typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
}

/** Recorded calls to `method path` (path without query), as [URL, init] pairs. */
export function callsTo(fetchMock: ReturnType<typeof mockFetch>, method: string, path: string) {
  return fetchMock.mock.calls
    .map(([input, init]) => [new URL(String(input), 'http://localhost'), init] as const)
    .filter(([url, init]) => (init?.method ?? 'GET') === method && url.pathname === path);
}
