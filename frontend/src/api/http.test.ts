import { describe, expect, it } from 'vitest';

import i18n from '../i18n';
import { headerOf, jsonResponse, mockFetch } from '../test/utils';
import { ApiError, apiGet, apiPost, errorFromResponse, parseProblem } from './http';

const VALIDATION_PROBLEM = {
  type: 'https://tpp.example/problems/validation',
  title: 'Validation failed',
  status: 422,
  detail: 'Two fields are invalid.',
  instance: '/api/v1/applications/42',
  code: 'validation_error',
  errors: [
    { field: 'name', message: 'must not be empty' },
    { field: 'budget', message: 'must be positive' },
  ],
};

describe('parseProblem', () => {
  it('keeps every RFC 9457 member and the field errors', () => {
    expect(parseProblem(VALIDATION_PROBLEM)).toEqual(VALIDATION_PROBLEM);
  });

  it('drops members of the wrong type and malformed field errors', () => {
    expect(
      parseProblem({
        title: 'Bad',
        status: '400',
        detail: 7,
        code: null,
        errors: [{ field: 'a', message: 'x' }, { field: 'b' }, 'nonsense', { message: 'no field' }],
      }),
    ).toEqual({
      title: 'Bad',
      errors: [
        { field: 'a', message: 'x' },
        { field: '', message: 'no field' },
      ],
    });
  });

  it('returns undefined for values that are not problem objects', () => {
    expect(parseProblem(null)).toBeUndefined();
    expect(parseProblem('error')).toBeUndefined();
    expect(parseProblem([VALIDATION_PROBLEM])).toBeUndefined();
    expect(parseProblem({ unrelated: true })).toBeUndefined();
  });
});

describe('errorFromResponse', () => {
  it('parses an application/problem+json body into an ApiError', async () => {
    const error = await errorFromResponse(jsonResponse(VALIDATION_PROBLEM, 422, 'application/problem+json; charset=utf-8'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.code).toBe('validation_error');
    expect(error.title).toBe('Validation failed');
    expect(error.detail).toBe('Two fields are invalid.');
    expect(error.type).toBe('https://tpp.example/problems/validation');
    expect(error.errors).toEqual(VALIDATION_PROBLEM.errors);
    expect(error.message).toBe('Two fields are invalid.');
  });

  it('falls back to http_error for a non-JSON body', async () => {
    const error = await errorFromResponse(
      new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } }),
    );
    expect(error.status).toBe(502);
    expect(error.code).toBe('http_error');
    expect(error.problem).toBeUndefined();
    expect(error.errors).toEqual([]);
    expect(error.message).toBe('Bad Gateway');
  });
});

describe('apiGet / apiPost', () => {
  it('prefixes /api, sends Accept-Language and returns the JSON body', async () => {
    const fetchMock = mockFetch(() => jsonResponse({ id: 1 }));
    await expect(apiGet<{ id: number }>('/agencies/1')).resolves.toEqual({ id: 1 });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/v1/agencies/1');
    expect(headerOf(init, 'Accept-Language')).toBe('zh-CN');

    await i18n.changeLanguage('en');
    await apiGet('/api/v1/agencies/2');
    expect(fetchMock.mock.calls[1]![0]).toBe('/api/v1/agencies/2');
    expect(headerOf(fetchMock.mock.calls[1]![1], 'Accept-Language')).toBe('en');
  });

  it('throws an ApiError carrying the parsed problem when the response is not ok', async () => {
    mockFetch(() => jsonResponse(VALIDATION_PROBLEM, 422, 'application/problem+json'));
    const error = await apiPost('/applications', { name: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'validation_error', title: 'Validation failed' });
    expect((error as ApiError).errors).toHaveLength(2);
  });

  it('sends a JSON body on POST', async () => {
    const fetchMock = mockFetch(() => jsonResponse({ ok: true }, 201));
    await apiPost('/applications', { name: 'x' });
    const init = fetchMock.mock.calls[0]![1];
    expect(init?.method).toBe('POST');
    expect(init?.body).toBe('{"name":"x"}');
    expect(headerOf(init, 'Content-Type')).toBe('application/json');
  });

  it('turns a rejected fetch into a network_error ApiError with status 0', async () => {
    mockFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await apiGet('/health').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, code: 'network_error', isNetworkError: true });
  });

  it('returns a non-2xx body only when acceptErrorBody says so', async () => {
    mockFetch(() => jsonResponse({ status: 'degraded' }, 503));
    await expect(apiGet('/health', { acceptErrorBody: (status) => status === 503 })).resolves.toEqual({
      status: 'degraded',
    });
    await expect(apiGet('/health', { acceptErrorBody: () => false })).rejects.toMatchObject({
      status: 503,
      code: 'http_error',
    });
  });

  it('reports an unparseable 200 body as invalid_response', async () => {
    mockFetch(() => new Response('not json', { status: 200, headers: { 'Content-Type': 'application/json' } }));
    await expect(apiGet('/health')).rejects.toMatchObject({ status: 200, code: 'invalid_response' });
  });

  it('keeps the per-language messages and the Retry-After of a 429', async () => {
    mockFetch(() =>
      new Response(
        JSON.stringify({
          code: 'rate_limited',
          detail: '请求过于频繁，请在 30 秒后再试。',
          messages: { 'zh-CN': '请求过于频繁，请在 30 秒后再试。', en: 'Too many requests; try again in 30 s.', bad: 5 },
          retry_after: 30,
        }),
        { status: 429, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '30' } },
      ),
    );
    const error = (await apiPost('/auth/login', {}).catch((e: unknown) => e)) as ApiError;
    expect(error.retryAfterSeconds).toBe(30);
    expect(error.problem?.messages).toEqual({
      'zh-CN': '请求过于频繁，请在 30 秒后再试。',
      en: 'Too many requests; try again in 30 s.',
    });
    expect(error.localizedDetail('en')).toBe('Too many requests; try again in 30 s.');
  });
});

