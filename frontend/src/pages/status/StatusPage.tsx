import { Alert, Button, Empty, Flex, Space, Spin, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';

import ErrorAlert from '../../components/ErrorAlert';
import { currentLanguage } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import type { HealthResponse, ServiceHealth } from './statusQueries';
import { isServiceStatus, useHealthQuery } from './statusQueries';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';

const STATUS_TONES = { up: 'success', down: 'error', not_ready: 'warning' } as const;
const KNOWN_SERVICES = ['gateway', 'agencies', 'applications', 'funding'] as const;
type KnownService = (typeof KNOWN_SERVICES)[number];

function isKnownService(name: string): name is KnownService {
  return (KNOWN_SERVICES as readonly string[]).includes(name);
}

function ServiceStatusTag({ service }: { service: ServiceHealth }) {
  const { t } = useTranslation();
  const known = isServiceStatus(service.status);
  return (
    <ToneTag
      tone={known ? STATUS_TONES[service.status as keyof typeof STATUS_TONES] : 'neutral'}
      data-testid={`service-status-${service.name}`}
      data-status={service.status}
    >
      {known ? t(`status.serviceStatus.${service.status as keyof typeof STATUS_TONES}`) : service.status}
    </ToneTag>
  );
}

function OverallStatus({ health }: { health: HealthResponse }) {
  const { t, i18n } = useTranslation();
  const up = health.services.filter((service) => service.status === 'up').length;
  const total = health.services.length;
  const checkedAt = formatDateTime(health.checked_at, i18n.resolvedLanguage ?? currentLanguage());
  const message =
    health.status === 'ok'
      ? t('status.overall.ok')
      : health.status === 'degraded'
        ? t('status.overall.degraded')
        : t('status.overall.unknown', { status: health.status });

  return (
    <div data-testid="overall-summary">
      <Alert
        type={health.status === 'ok' ? 'success' : 'warning'}
        showIcon
        title={message}
        description={
          <Space orientation="vertical" size={0}>
            <span data-testid="services-summary">{t('status.overall.summary', { up, total })}</span>
            {checkedAt && <span data-testid="checked-at">{t('status.overall.checkedAt', { time: checkedAt })}</span>}
          </Space>
        }
      />
    </div>
  );
}

export default function StatusPage() {
  const { t } = useTranslation();
  usePageTitle(t('status.title'));
  const query = useHealthQuery();
  const { data, error, refetch } = query;
  const none = t('common.none');
  // "ok" / "degraded" from the gateway; "error" when the last poll failed; "loading" before the first answer.
  const overall = error ? 'error' : data ? data.status : 'loading';

  const columns: TableColumnsType<ServiceHealth> = [
    {
      title: t('status.table.service'),
      dataIndex: 'name',
      key: 'name',
      render: (name: string) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong data-testid="service-name">
            {isKnownService(name) ? t(`status.services.${name}`) : name}
          </Typography.Text>
          <Typography.Text type="secondary" code>
            {name}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('status.table.status'),
      dataIndex: 'status',
      key: 'status',
      render: (_: unknown, service) => <ServiceStatusTag service={service} />,
    },
    {
      title: t('status.table.latency'),
      dataIndex: 'latency_ms',
      key: 'latency',
      align: 'right',
      render: (latency: number | null) =>
        latency === null ? none : t('status.table.latencyValue', { value: latency.toFixed(1) }),
    },
    {
      title: t('status.table.version'),
      dataIndex: 'version',
      key: 'version',
      render: (version: string | null) => version ?? none,
    },
    {
      title: t('status.table.detail'),
      dataIndex: 'detail',
      key: 'detail',
      render: (detail: string | null) =>
        detail === null ? none : <Typography.Text type="danger">{detail}</Typography.Text>,
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="status-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <div>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            {t('status.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('status.description')}</Typography.Text>
        </div>
        <Button onClick={() => void refetch()} data-testid="refresh">
          {t('common.refresh')}
        </Button>
      </Flex>

      <div data-testid="overall-status" data-status={overall}>
        {error ? (
          <Flex vertical gap={16}>
            <ErrorAlert error={error} title={t('status.overall.error')} onRetry={() => void refetch()} />
            {data && <OverallStatus health={data} />}
          </Flex>
        ) : data ? (
          <OverallStatus health={data} />
        ) : (
          <Flex justify="center" style={{ padding: 48 }}>
            <Spin description={t('status.overall.loading')} size="large">
              <div style={{ width: 240, height: 48 }} />
            </Spin>
          </Flex>
        )}
      </div>

      {data && (
        <Table<ServiceHealth>
          rowKey="name"
          columns={columns}
          dataSource={data.services}
          pagination={false}
          size="middle"
          aria-label={t('status.table.caption')}
          onRow={(service) =>
            ({ 'data-testid': `service-row-${service.name}` }) as HTMLAttributes<HTMLElement>
          }
          locale={{ emptyText: <Empty description={t('status.table.empty')} /> }}
        />
      )}
    </Flex>
  );
}
