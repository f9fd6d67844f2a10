import { App, Button, Checkbox, Empty, Flex, Form, Input, Modal, Popconfirm, Select, Switch, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { Role, UserRead } from '../../auth/authApi';
import { ROLES, USERNAME_PATTERN } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import AgencySelect from '../../components/AgencySelect';
import ErrorAlert from '../../components/ErrorAlert';
import { applyFieldErrors } from '../../components/formErrors';
import SecretModal from '../../components/SecretModal';
import { formatDateTime } from '../../i18n/format';
import type { UserCreate, UserCreated, UserUpdate } from './adminApi';
import { useCreateUser, useUpdateUser, useUsersQuery } from './adminApi';
import withFeedback from '../../components/withFeedback';
import { usePageTitle } from '../../components/usePageTitle';
import AgencyName from '../../components/AgencyName';

const PAGE_SIZE = 20;
const ROLE_COLORS: Record<Role, string> = { applicant: 'blue', reviewer: 'purple', expert: 'geekblue', admin: 'magenta' };

interface CreateUserForm {
  username: string;
  display_name: string;
  email: string;
  role: Role;
  agency_code?: string;
  is_agency_admin: boolean;
  password: string;
}

function CreateUserModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (user: UserCreated) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateUserForm>();
  const role = Form.useWatch('role', form);
  const create = useCreateUser();

  const close = () => {
    create.reset();
    form.resetFields();
    onClose();
  };

  const onFinish = (values: CreateUserForm) => {
    const body: UserCreate = {
      username: values.username.trim(),
      display_name: values.display_name.trim(),
      role: values.role,
    };
    const email = values.email?.trim();
    if (email) body.email = email;
    if (values.role === 'reviewer') {
      body.agency_code = values.agency_code;
      body.is_agency_admin = values.is_agency_admin;
    }
    if (values.password) body.password = values.password;
    create.mutate(body, {
      onSuccess: (user) => {
        form.resetFields();
        create.reset();
        onCreated(user);
      },
      onError: (error) =>
        applyFieldErrors(form, error, { username_taken: 'username', unknown_agency: 'agency_code', agency_required: 'agency_code' }),
    });
  };

  return (
    <Modal
      open={open}
      title={t('admin.users.createTitle')}
      onCancel={close}
      okText={t('admin.users.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'user-create-submit' }}
      forceRender
    >
      <Flex vertical gap={12} data-testid="user-create-form">
        {create.isError && <ErrorAlert error={create.error} title={t('admin.users.createError')} />}
        <Form<CreateUserForm>
          form={form}
          layout="vertical"
          initialValues={{ username: '', display_name: '', email: '', role: 'applicant', is_agency_admin: false, password: '' }}
          onFinish={onFinish}
        >
          <Form.Item
            label={t('admin.users.form.username')}
            name="username"
            rules={[
              { required: true, whitespace: true, message: t('admin.users.form.usernameRequired') },
              { min: 3, max: 64, pattern: USERNAME_PATTERN, message: t('admin.users.form.usernameInvalid') },
            ]}
          >
            <Input autoComplete="off" data-testid="user-form-username" />
          </Form.Item>
          <Form.Item
            label={t('admin.users.form.displayName')}
            name="display_name"
            rules={[{ required: true, whitespace: true, message: t('admin.users.form.displayNameRequired') }, { max: 100 }]}
          >
            <Input data-testid="user-form-display-name" />
          </Form.Item>
          <Form.Item label={t('admin.users.form.email')} name="email" rules={[{ type: 'email', message: t('admin.users.form.emailInvalid') }]}>
            <Input data-testid="user-form-email" />
          </Form.Item>
          <Form.Item label={t('admin.users.form.role')} name="role" rules={[{ required: true, message: t('admin.users.form.roleRequired') }]}>
            <Select<Role>
              data-testid="user-form-role"
              options={ROLES.map((value) => ({ value, label: t(`common.roles.${value}`) }))}
            />
          </Form.Item>
          {role === 'reviewer' && (
            <>
              <Form.Item
                label={t('admin.users.form.agency')}
                name="agency_code"
                rules={[{ required: true, message: t('admin.users.form.agencyRequired') }]}
              >
                <AgencySelect data-testid="user-form-agency" />
              </Form.Item>
              <Form.Item name="is_agency_admin" valuePropName="checked">
                <Checkbox data-testid="user-form-agency-admin">{t('admin.users.form.agencyAdmin')}</Checkbox>
              </Form.Item>
            </>
          )}
          <Form.Item
            label={t('admin.users.form.password')}
            name="password"
            extra={t('admin.users.form.passwordHelp')}
            rules={[{ min: 10, max: 128, message: t('admin.users.form.passwordLength') }]}
          >
            <Input.Password autoComplete="new-password" data-testid="user-form-password" />
          </Form.Item>
        </Form>
      </Flex>
    </Modal>
  );
}

interface EditUserForm {
  display_name: string;
  is_agency_admin: boolean;
}

function EditUserModal({ user, onClose }: { user: UserRead | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<EditUserForm>();
  const update = useUpdateUser();

  const close = () => {
    update.reset();
    onClose();
  };

  const onFinish = (values: EditUserForm) => {
    if (!user) return;
    const changes: UserUpdate = { display_name: values.display_name.trim() };
    if (user.role === 'reviewer') changes.is_agency_admin = values.is_agency_admin;
    update.mutate(
      { id: user.id, changes },
      {
        onSuccess: (updated) => {
          void message.success(t('admin.users.updated', { username: updated.username }));
          close();
        },
        onError: (error) => applyFieldErrors(form, error),
      },
    );
  };

  return (
    <Modal
      open={user !== null}
      title={user ? t('admin.users.editTitle', { username: user.username }) : null}
      onCancel={close}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      okButtonProps={{ loading: update.isPending }}
      destroyOnHidden
    >
      {user && (
        <Flex vertical gap={12}>
          {update.isError && <ErrorAlert error={update.error} title={t('admin.users.updateError')} />}
          <Form<EditUserForm>
            form={form}
            layout="vertical"
            initialValues={{ display_name: user.display_name, is_agency_admin: user.is_agency_admin }}
            onFinish={onFinish}
          >
            <Form.Item
              label={t('admin.users.form.displayName')}
              name="display_name"
              rules={[{ required: true, whitespace: true, message: t('admin.users.form.displayNameRequired') }, { max: 100 }]}
            >
              <Input />
            </Form.Item>
            {user.role === 'reviewer' && (
              <Form.Item name="is_agency_admin" valuePropName="checked">
                <Checkbox>{t('admin.users.form.agencyAdmin')}</Checkbox>
              </Form.Item>
            )}
          </Form>
        </Flex>
      )}
    </Modal>
  );
}

function ActiveSwitch({ user, self, onError }: { user: UserRead; self: boolean; onError: (error: unknown) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const update = useUpdateUser();
  const setActive = (isActive: boolean) =>
    update.mutate(
      { id: user.id, changes: { is_active: isActive } },
      {
        onSuccess: () =>
          void message.success(t(isActive ? 'admin.users.activated' : 'admin.users.deactivated', { username: user.username })),
        onError,
      },
    );
  const toggle = (
    <Switch
      checked={user.is_active}
      loading={update.isPending}
      disabled={self}
      aria-label={t('admin.users.columns.active')}
      onChange={user.is_active ? undefined : () => setActive(true)}
      data-testid="user-active"
    />
  );
  if (!user.is_active || self) return toggle;
  return (
    <Popconfirm
      title={t('admin.users.deactivateConfirm', { username: user.username })}
      okText={t('common.confirm')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      onConfirm={() => setActive(false)}
    >
      {toggle}
    </Popconfirm>
  );
}

function UsersPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('admin.users.title'));
  const { message } = App.useApp();
  const { user: me } = useAuth();
  const [role, setRole] = useState<Role | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserRead | null>(null);
  const [created, setCreated] = useState<UserCreated | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const users = useUsersQuery({ page, size: PAGE_SIZE, role });
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const none = t('common.none');

  const columns: TableColumnsType<UserRead> = [
    {
      title: t('admin.users.columns.username'),
      dataIndex: 'username',
      key: 'username',
      render: (username: string, user) => (
        <Flex gap={4} align="center">
          <Typography.Text strong>{username}</Typography.Text>
          {user.is_demo && <Tag>{t('admin.users.demo')}</Tag>}
        </Flex>
      ),
    },
    { title: t('admin.users.columns.displayName'), dataIndex: 'display_name', key: 'displayName' },
    { title: t('admin.users.columns.email'), dataIndex: 'email', key: 'email', render: (email: string | null) => email ?? none },
    {
      title: t('admin.users.columns.role'),
      dataIndex: 'role',
      key: 'role',
      render: (value: Role) => (
        <Tag color={ROLE_COLORS[value]} data-testid="user-role-tag">
          {t(`common.roles.${value}`)}
        </Tag>
      ),
    },
    {
      title: t('admin.users.columns.agency'),
      dataIndex: 'agency_code',
      key: 'agency',
      render: (code: string | null, user) =>
        code ? (
          <Flex gap={4} align="center" wrap>
            <AgencyName code={code} />
            {user.is_agency_admin && <Tag color="purple">{t('common.user.agencyAdmin')}</Tag>}
          </Flex>
        ) : (
          none
        ),
    },
    {
      title: t('admin.users.columns.active'),
      dataIndex: 'is_active',
      key: 'active',
      render: (_: boolean, user) => <ActiveSwitch user={user} self={user.id === me?.id} onError={setActionError} />,
    },
    {
      title: t('admin.users.columns.createdAt'),
      dataIndex: 'created_at',
      key: 'createdAt',
      render: (value: string) => formatDateTime(value, language) ?? none,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, user) => (
        <Button size="small" onClick={() => setEditing(user)} data-testid="user-edit">
          {t('admin.users.edit')}
        </Button>
      ),
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="users-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <div>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            {t('admin.users.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('admin.users.description')}</Typography.Text>
        </div>
        <Button type="primary" onClick={() => setCreating(true)} data-testid="user-create">
          {t('admin.users.create')}
        </Button>
      </Flex>

      <Select<Role>
        value={role}
        onChange={(value) => {
          setRole(value ?? undefined);
          setPage(1);
        }}
        allowClear
        placeholder={t('admin.users.allRoles')}
        aria-label={t('admin.users.roleFilter')}
        style={{ width: 200 }}
        data-testid="user-role-filter"
        options={ROLES.map((value) => ({ value, label: t(`common.roles.${value}`) }))}
      />

      {actionError !== null && <ErrorAlert error={actionError} title={t('admin.users.updateError')} />}
      {users.isError && <ErrorAlert error={users.error} title={t('admin.users.loadError')} onRetry={() => void users.refetch()} />}

      <Table<UserRead>
        rowKey="id"
        columns={columns}
        dataSource={users.data?.items ?? []}
        loading={users.isFetching}
        size="middle"
        scroll={{ x: 'max-content' }}
        aria-label={t('admin.users.title')}
        onRow={(user) => ({ 'data-testid': `user-row-${user.username}` }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: users.isSuccess ? <Empty description={t('admin.users.empty')} /> : <div style={{ height: 120 }} /> }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: users.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (total) => t('common.pagination.total', { total }),
          onChange: setPage,
        }}
      />

      <CreateUserModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(user) => {
          setCreating(false);
          if (user.initial_password) setCreated(user);
          else void message.success(t('admin.users.created', { username: user.username }));
        }}
      />
      <EditUserModal user={editing} onClose={() => setEditing(null)} />
      <SecretModal
        secret={created?.initial_password ?? null}
        title={t('admin.users.initialPassword.title')}
        intro={created ? t('admin.users.initialPassword.intro', { username: created.username }) : null}
        warning={t('admin.users.initialPassword.warning')}
        doneLabel={t('admin.users.initialPassword.done')}
        onDone={() => setCreated(null)}
        testId="initial-password"
      />
    </Flex>
  );
}

export default withFeedback(UsersPage);
