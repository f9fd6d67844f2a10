import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { vi } from 'vitest';

import App from '../App';

/** Renders the whole app (providers, router, layout) at `path`. */
export function renderApp(path: string) {
  window.history.pushState(null, '', path);
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity } },
  });
  const result = render(<App queryClient={queryClient} />);
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
