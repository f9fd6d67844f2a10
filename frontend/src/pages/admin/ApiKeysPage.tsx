import { App, Button, Checkbox, Empty, Flex, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useAuth } from '../../auth/AuthProvider';
import AgencySelect from '../../components/AgencySelect';
import ErrorAlert from '../../components/ErrorAlert';
import { applyFieldErrors } from '../../components/formErrors';
import SecretModal from '../../components/SecretModal';
import { formatDateTime } from '../../i18n/format';
import type { ApiKeyCreate, ApiKeyCreated, ApiKeyRead } from './adminApi';
import {
  API_KEY_SCOPES,
  isApiKeyScope,
  SCOPE_LABEL_KEYS,
  useApiKeysQuery,
  useCreateApiKey,
  useRevokeApiKey,
  useRotateApiKey,
} from './adminApi';
import withFeedback from '../../components/withFeedback';
import type { Tone } from '../../components/ToneTag';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import AgencyName, { useAgencyLookup } from '../../components/AgencyName';
import { agencyName } from '../../api/agencies';
import ActorName from './ActorName';

const PAGE_SIZE = 20;

type KeyStatus = 'active' | 'revoked' | 'replaced';

function keyStatus(key: ApiKeyRead): KeyStatus {
  if (key.revoked_at === null) return 'active';
  return key.replaced_by_id !== null ? 'replaced' : 'revoked';
}

const STATUS_TONES: Record<KeyStatus, Tone> = { active: 'success', revoked: 'error', replaced: 'neutral' };

interface CreateKeyModalProps {
  open: boolean;
  /** Set for an agency's own admin: keys can be made for that agency only. */
  fixedAgency: string | null;
  onClose: () => void;
  onCreated: (key: ApiKeyCreated) => void;
}

function CreateKeyModal({ open, fixedAgency, onClose, onCreated }: CreateKeyModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ApiKeyCreate>();
  const create = useCreateApiKey();

  const close = () => {
    create.reset();
    form.resetFields();
    onClose();
  };

  const onFinish = (values: ApiKeyCreate) => {
    create.mutate(
      { agency_code: fixedAgency ?? values.agency_code, name: values.name.trim(), scopes: values.scopes },
      {
        onSuccess: (key) => {
          form.resetFields();
          create.reset();
          onCreated(key);
        },
        onError: (error) => applyFieldErrors(form, error, { unknown_agency: 'agency_code', not_your_agency: 'agency_code' }),
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t('admin.apiKeys.createTitle')}
      onCancel={close}
      okText={t('admin.apiKeys.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'api-key-create-submit' }}
      forceRender
    >
      <Flex vertical gap={12} data-testid="api-key-create-form">
        {create.isError && <ErrorAlert error={create.error} title={t('admin.apiKeys.createError')} />}
        <Form<ApiKeyCreate>
          form={form}
          layout="vertical"
          initialValues={{ agency_code: fixedAgency ?? undefined, name: '', scopes: ['reports:write'] }}
          onFinish={onFinish}
        >
          <Form.Item
            label={t('admin.apiKeys.form.agency')}
            name="agency_code"
            rules={[{ required: true, message: t('admin.apiKeys.form.agencyRequired') }]}
          >
            <AgencySelect disabled={fixedAgency !== null} data-testid="api-key-agency" />
          </Form.Item>
          <Form.Item
            label={t('admin.apiKeys.form.name')}
            name="name"
            rules={[
              { required: true, whitespace: true, message: t('admin.apiKeys.form.nameRequired') },
              { max: 100 },
            ]}
          >
            <Input placeholder={t('admin.apiKeys.form.namePlaceholder')} data-testid="api-key-name" />
          </Form.Item>
          <Form.Item
            label={t('admin.apiKeys.form.scopes')}
            name="scopes"
            rules={[{ required: true, type: 'array', min: 1, message: t('admin.apiKeys.form.scopesRequired') }]}
          >
            <Checkbox.Group
              data-testid="api-key-scopes"
              options={API_KEY_SCOPES.map((scope) => ({
                value: scope,
                label: (
                  <span>
                    {t(SCOPE_LABEL_KEYS[scope])} <Typography.Text code>{scope}</Typography.Text>
                  </span>
                ),
              }))}
            />
          </Form.Item>
        </Form>
      </Flex>
    </Modal>
  );
}

interface ShownSecret {
  key: ApiKeyCreated;
  rotated: boolean;
}

function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('admin.apiKeys.title'));
  const { message } = App.useApp();
  const { user } = useAuth();
  // A reviewer who administers their agency sees and makes that agency's keys only.
  const ownAgency = user?.role === 'admin' ? null : (user?.agency_code ?? null);
  const [agencyFilter, setAgencyFilter] = useState<string | undefined>(undefined);
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [actionError, setActionError] = useState<{ error: unknown; title: string } | null>(null);

  const params = {
    page,
    size: PAGE_SIZE,
    agency_code: ownAgency ?? agencyFilter,
    include_revoked: includeRevoked,
  };
  const keys = useApiKeysQuery(params);
  const rotate = useRotateApiKey();
  const revoke = useRevokeApiKey();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const none = t('common.none');
  const lookup = useAgencyLookup();
  const agencyLabel = (code: string) => {
    const agency = lookup(code);
    return agency ? agencyName(agency, language) : code;
  };

  const onRotate = (key: ApiKeyRead) => {
    setActionError(null);
    rotate.mutate(key.id, {
      onSuccess: (created) => setShown({ key: created, rotated: true }),
      onError: (error) => setActionError({ error, title: t('admin.apiKeys.rotateError') }),
    });
  };

  const onRevoke = (key: ApiKeyRead) => {
    setActionError(null);
    revoke.mutate(key.id, {
      onSuccess: () => void message.success(t('admin.apiKeys.revoked', { name: key.name })),
      onError: (error) => setActionError({ error, title: t('admin.apiKeys.revokeError') }),
    });
  };

  const columns: TableColumnsType<ApiKeyRead> = [
    {
      title: t('admin.apiKeys.columns.name'),
      dataIndex: 'name',
      key: 'name',
      render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
    },
    { title: t('admin.apiKeys.columns.agency'), dataIndex: 'agency_code', key: 'agency', render: (code: string) => <AgencyName code={code} /> },
    {
      title: t('admin.apiKeys.columns.prefix'),
      dataIndex: 'prefix',
      key: 'prefix',
      render: (prefix: string) => <Typography.Text code>{prefix}…</Typography.Text>,
    },
    {
      title: t('admin.apiKeys.columns.scopes'),
      dataIndex: 'scopes',
      key: 'scopes',
      render: (scopes: string[]) => (
        <Flex wrap gap={4}>
          {scopes.map((scope) => (
            <Tag key={scope} title={scope} style={{ marginInlineEnd: 0 }}>
              {isApiKeyScope(scope) ? t(SCOPE_LABEL_KEYS[scope]) : scope}
            </Tag>
          ))}
        </Flex>
      ),
    },
    { title: t('admin.apiKeys.columns.createdBy'), dataIndex: 'created_by', key: 'createdBy', render: (actor: string) => <ActorName actor={actor} /> },
    {
      title: t('admin.apiKeys.columns.createdAt'),
      dataIndex: 'created_at',
      key: 'createdAt',
      render: (value: string) => formatDateTime(value, language) ?? none,
    },
    {
      title: t('admin.apiKeys.columns.status'),
      key: 'status',
      render: (_: unknown, key) => {
        const status = keyStatus(key);
        return (
          <ToneTag tone={STATUS_TONES[status]} data-testid="api-key-status" data-status={status}>
            {t(`admin.apiKeys.status.${status}`)}
          </ToneTag>
        );
      },
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, key) =>
        keyStatus(key) === 'active' ? (
          <Space size={4}>
            <Popconfirm
              title={t('admin.apiKeys.rotateConfirm', { name: key.name })}
              okText={t('admin.apiKeys.rotate')}
              cancelText={t('common.cancel')}
              onConfirm={() => onRotate(key)}
            >
              <Button size="small" loading={rotate.isPending && rotate.variables === key.id} data-testid="api-key-rotate">
                {t('admin.apiKeys.rotate')}
              </Button>
            </Popconfirm>
            <Popconfirm
              title={t('admin.apiKeys.revokeConfirm', { name: key.name })}
              okText={t('admin.apiKeys.revoke')}
              okButtonProps={{ danger: true, 'data-testid': 'api-key-revoke-confirm' }}
              cancelText={t('common.cancel')}
              onConfirm={() => onRevoke(key)}
            >
              <Button size="small" danger loading={revoke.isPending && revoke.variables === key.id} data-testid="api-key-revoke">
                {t('admin.apiKeys.revoke')}
              </Button>
            </Popconfirm>
          </Space>
        ) : (
          none
        ),
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="api-keys-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <div>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            {t('admin.apiKeys.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('admin.apiKeys.description')}</Typography.Text>
        </div>
        <Button type="primary" onClick={() => setCreating(true)} data-testid="api-key-create">
          {t('admin.apiKeys.create')}
        </Button>
      </Flex>

      {ownAgency !== null && (
        <Typography.Text type="secondary" data-testid="own-agency-note">
          {t('admin.apiKeys.ownAgencyOnly', { code: ownAgency })}
        </Typography.Text>
      )}

      <Flex wrap gap={16} align="center">
        {ownAgency === null && (
          <AgencySelect
            value={agencyFilter}
            onChange={(code) => {
              setAgencyFilter(code);
              setPage(1);
            }}
            allowClear
            placeholder={t('admin.apiKeys.allAgencies')}
            aria-label={t('admin.apiKeys.agencyFilter')}
            style={{ width: 320 }}
            data-testid="api-key-agency-filter"
          />
        )}
        <Checkbox
          checked={includeRevoked}
          onChange={(event) => {
            setIncludeRevoked(event.target.checked);
            setPage(1);
          }}
          data-testid="include-revoked"
        >
          {t('admin.apiKeys.includeRevoked')}
        </Checkbox>
      </Flex>

      {actionError && <ErrorAlert error={actionError.error} title={actionError.title} />}
      {keys.isError && (
        <ErrorAlert error={keys.error} title={t('admin.apiKeys.loadError')} onRetry={() => void keys.refetch()} />
      )}

      <Table<ApiKeyRead>
        rowKey="id"
        columns={columns}
        dataSource={keys.data?.items ?? []}
        loading={keys.isFetching}
        size="middle"
        scroll={{ x: 'max-content' }}
        aria-label={t('admin.apiKeys.title')}
        onRow={(key) => ({ 'data-testid': `api-key-row-${key.id}`, 'data-name': key.name }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: keys.isSuccess ? <Empty description={t('admin.apiKeys.empty')} /> : <div style={{ height: 120 }} /> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: keys.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (total) => t('common.pagination.total', { total }),
          onChange: setPage,
        }}
      />

      <CreateKeyModal
        open={creating}
        fixedAgency={ownAgency}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false);
          setShown({ key, rotated: false });
        }}
      />
      <SecretModal
        secret={shown?.key.secret ?? null}
        title={t('admin.apiKeys.secret.title')}
        intro={
          shown
            ? t(shown.rotated ? 'admin.apiKeys.secret.rotatedIntro' : 'admin.apiKeys.secret.createdIntro', {
                name: shown.key.name,
                agency: agencyLabel(shown.key.agency_code),
              })
            : null
        }
        warning={t('admin.apiKeys.secret.warning')}
        doneLabel={t('admin.apiKeys.secret.done')}
        onDone={() => setShown(null)}
        testId="api-key-secret"
      />
    </Flex>
  );
}


export default withFeedback(ApiKeysPage);
