import { Button, Drawer, Empty, Flex, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useAuth } from '../../auth/AuthProvider';
import AgencyName from '../../components/AgencyName';
import AgencySelect from '../../components/AgencySelect';
import ErrorAlert from '../../components/ErrorAlert';
import { applyFieldErrors } from '../../components/formErrors';
import SecretModal from '../../components/SecretModal';
import type { Tone } from '../../components/ToneTag';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import withFeedback from '../../components/withFeedback';
import { formatDateTime } from '../../i18n/format';
import ActorName from './ActorName';
import type { DeliveryRead, DeliveryStatus, EndpointCreate, EndpointCreated, EndpointRead, EventType } from './webhooksApi';
import {
  useCreateEndpoint,
  useDeleteEndpoint,
  useDeliveries,
  useEndpoints,
  useEventTypes,
  useRedeliver,
  useRotateSecret,
  useSetEndpointStatus,
} from './webhooksApi';

const DELIVERY_TONES: Record<DeliveryStatus, Tone> = { pending: 'warning', succeeded: 'success', failed: 'error' };

function typeLabel(types: EventType[] | undefined, name: string, language: string): string {
  const found = types?.find((type) => type.name === name);
  if (!found) return name;
  return language.startsWith('zh') ? found.summary_zh : found.summary_en;
}

interface CreateEndpointModalProps {
  open: boolean;
  /** Set for an agency's key admin: endpoints receive that agency's events only. */
  fixedAgency: string | null;
  onClose: () => void;
  onCreated: (endpoint: EndpointCreated) => void;
}

function CreateEndpointModal({ open, fixedAgency, onClose, onCreated }: CreateEndpointModalProps) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<EndpointCreate>();
  const create = useCreateEndpoint();
  const types = useEventTypes();
  const language = i18n.resolvedLanguage ?? 'zh-CN';

  const close = () => {
    create.reset();
    form.resetFields();
    onClose();
  };

  const onFinish = (values: EndpointCreate) => {
    const body: EndpointCreate = {
      url: values.url.trim(),
      event_types: values.event_types ?? [],
      description: (values.description ?? '').trim(),
      ...(fixedAgency === null && values.agency_code ? { agency_code: values.agency_code } : {}),
    };
    create.mutate(body, {
      onSuccess: (endpoint) => {
        form.resetFields();
        create.reset();
        onCreated(endpoint);
      },
      onError: (error) => applyFieldErrors(form, error, { webhook_url_not_allowed: 'url', agency_not_found: 'agency_code' }),
    });
  };

  return (
    <Modal
      open={open}
      title={t('admin.webhooks.createTitle')}
      onCancel={close}
      okText={t('admin.webhooks.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'webhook-create-submit' }}
      forceRender
    >
      <Flex vertical gap={12} data-testid="webhook-create-form">
        {create.isError && <ErrorAlert error={create.error} title={t('admin.webhooks.createError')} />}
        <Form<EndpointCreate>
          form={form}
          layout="vertical"
          initialValues={{ url: '', event_types: [], description: '' }}
          onFinish={onFinish}
        >
          <Form.Item
            label={t('admin.webhooks.form.url')}
            name="url"
            rules={[{ required: true, whitespace: true, message: t('admin.webhooks.form.urlRequired') }, { max: 2000 }]}
            extra={t('admin.webhooks.form.urlHelp')}
          >
            <Input placeholder="https://hooks.example.gov.cn/tpp" data-testid="webhook-url" />
          </Form.Item>
          <Form.Item label={t('admin.webhooks.form.eventTypes')} name="event_types" extra={t('admin.webhooks.form.eventTypesHelp')}>
            <Select
              mode="multiple"
              allowClear
              loading={types.isLoading}
              placeholder={t('admin.webhooks.allTypes')}
              data-testid="webhook-event-types"
              options={(types.data ?? []).map((type) => ({
                value: type.name,
                label: `${language.startsWith('zh') ? type.summary_zh : type.summary_en} (${type.name})`,
              }))}
            />
          </Form.Item>
          {fixedAgency === null && (
            <Form.Item label={t('admin.webhooks.form.agency')} name="agency_code" extra={t('admin.webhooks.form.agencyHelp')}>
              <AgencySelect allowClear data-testid="webhook-agency" />
            </Form.Item>
          )}
          <Form.Item label={t('admin.webhooks.form.description')} name="description" rules={[{ max: 500 }]}>
            <Input data-testid="webhook-description" />
          </Form.Item>
        </Form>
      </Flex>
    </Modal>
  );
}

function DeliveryLog({ endpoint, onClose }: { endpoint: EndpointRead | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const deliveries = useDeliveries(endpoint?.id ?? null);
  const redeliver = useRedeliver();
  const types = useEventTypes();
  const none = t('common.none');

  const columns: TableColumnsType<DeliveryRead> = [
    {
      title: t('admin.webhooks.log.event'),
      key: 'event',
      render: (_: unknown, delivery) => (
        <Flex vertical>
          <span>{typeLabel(types.data, delivery.event_type, language)}</span>
          <Typography.Text type="secondary" code>
            {delivery.subject}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('admin.webhooks.log.status'),
      key: 'status',
      render: (_: unknown, delivery) => (
        <ToneTag tone={DELIVERY_TONES[delivery.status]} data-testid="webhook-delivery-status" data-status={delivery.status}>
          {t(`admin.webhooks.deliveryStatus.${delivery.status}`)}
        </ToneTag>
      ),
    },
    { title: t('admin.webhooks.log.attempts'), dataIndex: 'attempts', key: 'attempts' },
    {
      title: t('admin.webhooks.log.lastAnswer'),
      key: 'answer',
      render: (_: unknown, delivery) =>
        delivery.last_status_code !== null
          ? `HTTP ${delivery.last_status_code}`
          : (delivery.last_error ?? none),
    },
    {
      title: t('admin.webhooks.log.latency'),
      key: 'latency',
      render: (_: unknown, delivery) => (delivery.last_latency_ms !== null ? `${delivery.last_latency_ms} ms` : none),
    },
    {
      title: t('admin.webhooks.log.createdAt'),
      key: 'createdAt',
      render: (_: unknown, delivery) => formatDateTime(delivery.created_at, language) ?? none,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, delivery) => (
        <Button
          size="small"
          loading={redeliver.isPending && redeliver.variables?.deliveryId === delivery.id}
          onClick={() => endpoint && redeliver.mutate({ endpointId: endpoint.id, deliveryId: delivery.id })}
          data-testid="webhook-redeliver"
        >
          {t('admin.webhooks.redeliver')}
        </Button>
      ),
    },
  ];

  return (
    <Drawer
      open={endpoint !== null}
      onClose={onClose}
      size={960}
      title={t('admin.webhooks.log.title', { url: endpoint?.url ?? '' })}
      data-testid="webhook-delivery-log"
    >
      <Flex vertical gap={12}>
        {redeliver.isError && <ErrorAlert error={redeliver.error} title={t('admin.webhooks.redeliverError')} />}
        {deliveries.isError && (
          <ErrorAlert error={deliveries.error} title={t('admin.webhooks.log.loadError')} onRetry={() => void deliveries.refetch()} />
        )}
        <Table<DeliveryRead>
          rowKey="id"
          columns={columns}
          dataSource={deliveries.data?.items ?? []}
          loading={deliveries.isFetching}
          size="small"
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={t('admin.webhooks.log.empty')} /> }}
        />
      </Flex>
    </Drawer>
  );
}

interface ShownSecret {
  endpoint: EndpointCreated;
  rotated: boolean;
}

function WebhooksPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('admin.webhooks.title'));
  const { user } = useAuth();
  const ownAgency = user?.role === 'admin' ? null : (user?.agency_code ?? null);
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const none = t('common.none');
  const endpoints = useEndpoints();
  const types = useEventTypes();
  const rotate = useRotateSecret();
  const setStatus = useSetEndpointStatus();
  const remove = useDeleteEndpoint();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [logOf, setLogOf] = useState<EndpointRead | null>(null);
  const [actionError, setActionError] = useState<{ error: unknown; title: string } | null>(null);
  const failed = (title: string) => (error: unknown) => setActionError({ error, title });

  const columns: TableColumnsType<EndpointRead> = [
    {
      title: t('admin.webhooks.columns.url'),
      key: 'url',
      render: (_: unknown, endpoint) => (
        <Flex vertical>
          <Typography.Text code>{endpoint.url}</Typography.Text>
          {endpoint.description && <Typography.Text type="secondary">{endpoint.description}</Typography.Text>}
        </Flex>
      ),
    },
    {
      title: t('admin.webhooks.columns.agency'),
      dataIndex: 'agency_code',
      key: 'agency',
      render: (code: string | null) => (code ? <AgencyName code={code} /> : t('admin.webhooks.everyAgency')),
    },
    {
      title: t('admin.webhooks.columns.eventTypes'),
      dataIndex: 'event_types',
      key: 'types',
      render: (names: string[]) =>
        names.length === 0 ? (
          t('admin.webhooks.allTypes')
        ) : (
          <Flex wrap gap={4}>
            {names.map((name) => (
              <Tag key={name} title={name} style={{ marginInlineEnd: 0 }}>
                {typeLabel(types.data, name, language)}
              </Tag>
            ))}
          </Flex>
        ),
    },
    {
      title: t('admin.webhooks.columns.status'),
      key: 'status',
      render: (_: unknown, endpoint) => (
        <Flex vertical>
          <ToneTag tone={endpoint.status === 'active' ? 'success' : 'error'} data-testid="webhook-status" data-status={endpoint.status}>
            {t(`admin.webhooks.status.${endpoint.status}`)}
          </ToneTag>
          {endpoint.disabled_reason && (
            <Typography.Text type="secondary">
              {t(`admin.webhooks.disabledReason.${endpoint.disabled_reason as 'gone' | 'retries_exhausted' | 'manual'}`)}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    { title: t('admin.webhooks.columns.createdBy'), dataIndex: 'created_by', key: 'createdBy', render: (actor: string) => <ActorName actor={actor} /> },
    {
      title: t('admin.webhooks.columns.createdAt'),
      dataIndex: 'created_at',
      key: 'createdAt',
      render: (value: string) => formatDateTime(value, language) ?? none,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, endpoint) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => setLogOf(endpoint)} data-testid="webhook-log">
            {t('admin.webhooks.deliveries')}
          </Button>
          <Popconfirm
            title={t('admin.webhooks.rotateConfirm')}
            okText={t('admin.webhooks.rotate')}
            cancelText={t('common.cancel')}
            onConfirm={() =>
              rotate.mutate(endpoint.id, {
                onSuccess: (rotated) => setShown({ endpoint: rotated, rotated: true }),
                onError: failed(t('admin.webhooks.rotateError')),
              })
            }
          >
            <Button size="small" data-testid="webhook-rotate">
              {t('admin.webhooks.rotate')}
            </Button>
          </Popconfirm>
          <Button
            size="small"
            onClick={() =>
              setStatus.mutate(
                { id: endpoint.id, status: endpoint.status === 'active' ? 'disabled' : 'active' },
                { onError: failed(t('admin.webhooks.updateError')) },
              )
            }
            data-testid="webhook-toggle"
          >
            {endpoint.status === 'active' ? t('admin.webhooks.disable') : t('admin.webhooks.enable')}
          </Button>
          <Popconfirm
            title={t('admin.webhooks.deleteConfirm', { url: endpoint.url })}
            okText={t('admin.webhooks.delete')}
            okButtonProps={{ danger: true, 'data-testid': 'webhook-delete-confirm' }}
            cancelText={t('common.cancel')}
            onConfirm={() => remove.mutate(endpoint.id, { onError: failed(t('admin.webhooks.deleteError')) })}
          >
            <Button size="small" danger data-testid="webhook-delete">
              {t('admin.webhooks.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="webhooks-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <div>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            {t('admin.webhooks.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('admin.webhooks.description')}</Typography.Text>
        </div>
        <Button type="primary" onClick={() => setCreating(true)} data-testid="webhook-create">
          {t('admin.webhooks.create')}
        </Button>
      </Flex>
      {ownAgency !== null && (
        <Typography.Text type="secondary" data-testid="own-agency-note">
          {t('admin.webhooks.ownAgencyOnly', { code: ownAgency })}
        </Typography.Text>
      )}
      {actionError && <ErrorAlert error={actionError.error} title={actionError.title} />}
      {endpoints.isError && (
        <ErrorAlert error={endpoints.error} title={t('admin.webhooks.loadError')} onRetry={() => void endpoints.refetch()} />
      )}
      <Table<EndpointRead>
        rowKey="id"
        columns={columns}
        dataSource={endpoints.data?.items ?? []}
        loading={endpoints.isFetching}
        size="middle"
        pagination={false}
        scroll={{ x: 'max-content' }}
        aria-label={t('admin.webhooks.title')}
        locale={{ emptyText: endpoints.isSuccess ? <Empty description={t('admin.webhooks.empty')} /> : <div style={{ height: 120 }} /> }}
      />
      <CreateEndpointModal
        open={creating}
        fixedAgency={ownAgency}
        onClose={() => setCreating(false)}
        onCreated={(endpoint) => {
          setCreating(false);
          setShown({ endpoint, rotated: false });
        }}
      />
      <DeliveryLog endpoint={logOf} onClose={() => setLogOf(null)} />
      <SecretModal
        secret={shown?.endpoint.secret ?? null}
        title={t('admin.webhooks.secret.title')}
        intro={shown ? t(shown.rotated ? 'admin.webhooks.secret.rotatedIntro' : 'admin.webhooks.secret.createdIntro', { url: shown.endpoint.url }) : null}
        warning={t('admin.webhooks.secret.warning')}
        doneLabel={t('admin.webhooks.secret.done')}
        onDone={() => setShown(null)}
        testId="webhook-secret"
      />
    </Flex>
  );
}

export default withFeedback(WebhooksPage);
