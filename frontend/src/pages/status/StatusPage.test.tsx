import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { LANGUAGE_STORAGE_KEY } from '../../i18n';
import { headerOf, jsonResponse, mockFetch, renderApp } from '../../test/utils';

const DEGRADED = {
  status: 'degraded',
  checked_at: '2026-11-26T08:00:00Z',
  services: [
    { name: 'gateway', status: 'up', latency_ms: 0.1, version: '0.1.0', detail: null },
    { name: 'agencies', status: 'up', latency_ms: 3.2, version: '0.1.0', detail: null },
    { name: 'applications', status: 'down', latency_ms: null, version: null, detail: 'connection refused' },
    { name: 'funding', status: 'not_ready', latency_ms: 2.0, version: '0.1.0', detail: 'database not migrated' },
  ],
};

const ALL_UP = {
  status: 'ok',
  checked_at: '2026-11-26T08:00:05Z',
  services: DEGRADED.services.map((service) => ({
    ...service,
    status: 'up',
    latency_ms: 1.5,
    version: '0.1.0',
    detail: null,
  })),
};

async function findOverall(expected: string) {
  const overall = await screen.findByTestId('overall-status');
  await waitFor(() => expect(overall).toHaveAttribute('data-status', expected));
  return overall;
}

describe('StatusPage', () => {
  it('renders one row and one status tag per service from /api/v1/health', async () => {
    const fetchMock = mockFetch(() => jsonResponse(DEGRADED));
    await renderApp('/status');

    const overall = await findOverall('degraded');
    expect(overall).toHaveTextContent('部分服务不可用');
    expect(screen.getByTestId('services-summary')).toHaveTextContent('2 / 4 个服务正常');
    expect(screen.getByTestId('checked-at')).toHaveTextContent(/^最近检查时间：2026/);

    expect(fetchMock).toHaveBeenCalled();
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/v1/health');
    expect(init?.method).toBe('GET');
    expect(headerOf(init, 'Accept-Language')).toBe('zh-CN');

    const expected = [
      ['gateway', 'API 网关', 'up', '正常', 'tpp-tone-success', '0.1 毫秒'],
      ['agencies', '责任矩阵服务', 'up', '正常', 'tpp-tone-success', '3.2 毫秒'],
      ['applications', '申报服务', 'down', '不可用', 'tpp-tone-error', '—'],
      ['funding', '资金台账服务', 'not_ready', '未就绪', 'tpp-tone-warning', '2.0 毫秒'],
    ] as const;
    const rows = screen.getAllByTestId(/^service-row-/);
    expect(rows.map((row) => row.getAttribute('data-testid'))).toEqual(expected.map(([name]) => `service-row-${name}`));

    for (const [name, displayName, status, label, colorClass, latency] of expected) {
      const row = screen.getByTestId(`service-row-${name}`);
      const cells = within(row).getAllByRole('cell');
      expect(within(row).getByTestId('service-name')).toHaveTextContent(displayName);
      const tag = within(row).getByTestId(`service-status-${name}`);
      expect(tag).toHaveAttribute('data-status', status);
      expect(tag).toHaveTextContent(label);
      expect(tag).toHaveClass(colorClass);
      expect(cells[2]).toHaveTextContent(latency);
    }
    const applications = screen.getByTestId('service-row-applications');
    expect(within(applications).getAllByRole('cell')[4]).toHaveTextContent('connection refused');
    expect(within(applications).getAllByRole('cell')[3]).toHaveTextContent('—');
    expect(within(screen.getByTestId('service-row-agencies')).getAllByRole('cell')[3]).toHaveTextContent('0.1.0');
  });

  it('shows the all-up state when every service is up', async () => {
    mockFetch(() => jsonResponse(ALL_UP));
    await renderApp('/status');

    const overall = await findOverall('ok');
    expect(overall).toHaveTextContent('所有服务运行正常');
    expect(screen.getByTestId('services-summary')).toHaveTextContent('4 / 4 个服务正常');
    for (const name of ['gateway', 'agencies', 'applications', 'funding']) {
      expect(screen.getByTestId(`service-status-${name}`)).toHaveAttribute('data-status', 'up');
    }
  });

  it('reads a 503 health body like a 200 one', async () => {
    mockFetch(() => jsonResponse(DEGRADED, 503));
    await renderApp('/status');

    await findOverall('degraded');
    expect(screen.getByTestId('service-status-applications')).toHaveAttribute('data-status', 'down');
    expect(screen.queryByTestId('error-alert')).not.toBeInTheDocument();
  });

  it('shows the error state with the problem+json details on a 502', async () => {
    mockFetch(() =>
      jsonResponse(
        {
          type: 'https://tpp.example/problems/upstream-unavailable',
          title: '上游服务不可用',
          status: 502,
          detail: '网关无法连接健康检查服务',
          code: 'upstream_unavailable',
        },
        502,
        'application/problem+json',
      ),
    );
    await renderApp('/status');

    const overall = await findOverall('error');
    const alert = within(overall).getByTestId('error-alert');
    expect(alert).toHaveAttribute('data-error-code', 'upstream_unavailable');
    expect(within(alert).getByText('无法获取服务状态')).toBeInTheDocument();
    expect(within(alert).getAllByTestId('error-line').map((line) => line.textContent)).toEqual([
      '上游服务不可用',
      '网关无法连接健康检查服务',
    ]);
    expect(within(alert).getByTestId('error-code')).toHaveTextContent('错误代码：upstream_unavailable');
    expect(within(alert).getByRole('button', { name: '重试' })).toBeInTheDocument();
    expect(screen.queryAllByTestId(/^service-row-/)).toHaveLength(0);
  });

  it('shows the loading state until the first answer', async () => {
    mockFetch(() => new Promise<Response>(() => {}));
    await renderApp('/status');

    const overall = await findOverall('loading');
    expect(overall).toHaveTextContent('正在检查服务状态…');
    expect(screen.queryAllByTestId(/^service-row-/)).toHaveLength(0);
  });

  it('shows the empty state when no service is reported', async () => {
    mockFetch(() => jsonResponse({ status: 'ok', checked_at: '2026-11-26T08:00:00Z', services: [] }));
    await renderApp('/status');

    await findOverall('ok');
    expect(await screen.findByText('没有可显示的服务')).toBeInTheDocument();
    expect(screen.queryAllByTestId(/^service-row-/)).toHaveLength(0);
  });

  it('switches the visible text from Chinese to English', async () => {
    const fetchMock = mockFetch(() => jsonResponse(DEGRADED));
    await renderApp('/status');

    await findOverall('degraded');
    expect(screen.getByTestId('product-name')).toHaveTextContent('人才计划平台');
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('系统状态');
    expect(screen.getByTestId('service-status-applications')).toHaveTextContent('不可用');

    fireEvent.click(screen.getByText('English'));

    await waitFor(() => expect(screen.getByTestId('product-name')).toHaveTextContent('Talent Plan Platform'));
    expect(screen.queryByText('人才计划平台')).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('System status');
    expect(screen.getByTestId('overall-status')).toHaveTextContent('Some services are unavailable');
    expect(within(screen.getByTestId('service-row-agencies')).getByTestId('service-name')).toHaveTextContent(
      'Agencies service',
    );
    expect(within(screen.getByTestId('service-row-funding')).getByTestId('service-name')).toHaveTextContent(
      'Funding ledger service',
    );
    expect(screen.getByTestId('service-status-applications')).toHaveTextContent('Down');
    expect(screen.getByTestId('service-status-funding')).toHaveTextContent('Not ready');
    expect(screen.getByTestId('lang-switch')).toHaveAttribute('data-lang', 'en');
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');

    // Requests made after the switch ask the API for English.
    const callsBefore = fetchMock.mock.calls.length;
    fireEvent.click(screen.getByTestId('refresh'));
    await waitFor(() => expect(fetchMock.mock.calls.length).toBeGreaterThan(callsBefore));
    expect(headerOf(fetchMock.mock.calls.at(-1)![1], 'Accept-Language')).toBe('en');
  });
});
