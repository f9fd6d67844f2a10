import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { AGENCY_ADMIN, AGENCY_PAGE, signedIn } from '../../test/fixtures';
import { bodyOf, callsTo, jsonResponse, mockApi, renderApp } from '../../test/utils';
import type { DeliveryRead, EndpointRead } from './webhooksApi';

const SECRET = 'whsec_c2VjcmV0LXNob3duLW9uY2UtZm9yLXRoZS10ZXN0cw==';

const ENDPOINT: EndpointRead = {
  id: 3,
  agency_code: 'prov-hrss-dept',
  url: 'https://hooks.example.gov.cn/tpp',
  description: '',
  event_types: ['report.returned'],
  status: 'disabled',
  disabled_reason: 'retries_exhausted',
  previous_secret_expires_at: null,
  created_by: 'user:2',
  created_at: '2026-11-30T02:00:00Z',
  updated_at: '2026-11-30T02:00:00Z',
};

const DELIVERY: DeliveryRead = {
  id: 41,
  event_id: 'evt_1',
  event_type: 'report.returned',
  subject: 'report/17',
  status: 'failed',
  attempts: 10,
  next_attempt_at: null,
  last_status_code: 503,
  last_latency_ms: 12,
  last_error: null,
  created_at: '2026-11-30T02:01:00Z',
  finished_at: '2026-11-30T03:01:00Z',
  attempt_log: [],
};

function webhooksBackend() {
  const endpoints: EndpointRead[] = [ENDPOINT];
  return mockApi({
    'GET /api/v1/auth/me': () => jsonResponse(AGENCY_ADMIN),
    'GET /api/v1/agencies/agencies': () => jsonResponse(AGENCY_PAGE),
    'GET /api/v1/agencies/events/types': () =>
      jsonResponse([
        { name: 'report.returned', source: 'agencies', summary_zh: '进展报告被退回', summary_en: 'A progress report was returned', example: {} },
        { name: 'report.accepted', source: 'agencies', summary_zh: '进展报告已通过审核', summary_en: 'A progress report was accepted', example: {} },
      ]),
    'GET /api/v1/agencies/webhooks/endpoints': () => jsonResponse({ items: endpoints }),
    'POST /api/v1/agencies/webhooks/endpoints': (_url, init) => {
      const body = bodyOf(init) as { url: string; event_types: string[] };
      const created = { ...ENDPOINT, id: 4, url: body.url, event_types: body.event_types, status: 'active' as const, disabled_reason: null };
      endpoints.push(created);
      return jsonResponse({ ...created, secret: SECRET }, 201);
    },
    'GET /api/v1/agencies/webhooks/endpoints/3/deliveries': () => jsonResponse({ items: [DELIVERY], next: null }),
    'POST /api/v1/agencies/webhooks/endpoints/3/deliveries/41/redeliver': () => new Response(null, { status: 204 }),
  });
}

describe('WebhooksPage', () => {
  it("registers an agency's endpoint, shows the secret once, and redelivers from the log", async () => {
    signedIn();
    const fetchMock = webhooksBackend();
    await renderApp('/admin/webhooks');

    expect(await screen.findByTestId('own-agency-note')).toHaveTextContent('prov-hrss-dept');
    const status = await screen.findByTestId('webhook-status');
    expect(status).toHaveTextContent('已停用');
    expect(screen.getByText('重试用尽，已自动停用')).toBeInTheDocument();
    expect(await screen.findByText('进展报告被退回')).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('webhook-create'));
    fireEvent.change(screen.getByTestId('webhook-url'), { target: { value: 'https://hooks.example.gov.cn/new' } });
    fireEvent.click(screen.getByTestId('webhook-create-submit'));
    const secretModal = await screen.findByTestId('webhook-secret');
    expect(within(secretModal).getByTestId('webhook-secret-value')).toHaveTextContent(SECRET);
    const [create] = callsTo(fetchMock, 'POST', '/api/v1/agencies/webhooks/endpoints');
    expect(bodyOf(create![1])).toEqual({ url: 'https://hooks.example.gov.cn/new', event_types: [], description: '' });
    fireEvent.click(screen.getByTestId('webhook-secret-done'));
    await waitFor(() => expect(document.body).not.toHaveTextContent(SECRET));

    fireEvent.click(screen.getAllByTestId('webhook-log')[0]!);
    const log = await screen.findByTestId('webhook-delivery-log');
    expect(await within(log).findByTestId('webhook-delivery-status')).toHaveTextContent('失败');
    expect(log).toHaveTextContent('HTTP 503');
    fireEvent.click(within(log).getByTestId('webhook-redeliver'));
    await waitFor(() =>
      expect(callsTo(fetchMock, 'POST', '/api/v1/agencies/webhooks/endpoints/3/deliveries/41/redeliver')).toHaveLength(1),
    );
  });
});
