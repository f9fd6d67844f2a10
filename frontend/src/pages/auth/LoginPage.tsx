import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';

import { isApiError } from '../../api/http';
import type { LoginRequest } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import ErrorAlert from '../../components/ErrorAlert';
import { nextPath } from './authRedirect';
import { usePageTitle } from '../../components/usePageTitle';

function LoginError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (isApiError(error) && error.code === 'invalid_credentials') {
    return <Alert type="error" showIcon title={t('auth.login.invalidCredentials')} data-testid="login-error" />;
  }
  if (isApiError(error) && error.code === 'rate_limited') {
    const title =
      error.retryAfterSeconds !== undefined
        ? t('auth.login.rateLimited', { seconds: error.retryAfterSeconds })
        : t('auth.login.rateLimitedNoTime');
    return <Alert type="error" showIcon title={title} data-testid="login-error" />;
  }
  return (
    <div data-testid="login-error">
      <ErrorAlert error={error} title={t('auth.login.failed')} />
    </div>
  );
}

export default function LoginPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.login.title'));
  const { status, signIn, signOutReason } = useAuth();
  const { search, state } = useLocation();
  const navigate = useNavigate();
  const [form] = Form.useForm<LoginRequest>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const target = nextPath(search);
  const registered = (state as { registered?: string } | null)?.registered;

  if (status === 'signedIn' && !submitting) return <Navigate to={target} replace />;

  const onFinish = async (values: LoginRequest) => {
    setSubmitting(true);
    setError(null);
    try {
      await signIn({ username: values.username.trim(), password: values.password });
      await navigate(target, { replace: true });
    } catch (caught) {
      setError(caught);
      form.setFieldValue('password', '');
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Flex justify="center" data-testid="login-page">
      <Card style={{ width: '100%', maxWidth: 420 }}>
        <Typography.Title level={2} style={{ marginTop: 0 }}>
          {t('auth.login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('auth.login.subtitle')}</Typography.Paragraph>
        <Flex vertical gap={12} style={{ marginBottom: 16 }}>
          {signOutReason === 'expired' && !error && (
            <Alert type="info" showIcon title={t('auth.login.expired')} data-testid="session-expired" />
          )}
          {registered && !error && <Alert type="success" showIcon title={t('auth.register.success')} />}
          {error !== null && <LoginError error={error} />}
        </Flex>
        <Form<LoginRequest>
          form={form}
          layout="vertical"
          requiredMark={false}
          initialValues={{ username: registered ?? '', password: '' }}
          onFinish={(values) => void onFinish(values)}
          disabled={submitting}
        >
          <Form.Item
            label={t('auth.login.username')}
            name="username"
            rules={[{ required: true, whitespace: true, message: t('auth.login.usernameRequired') }]}
          >
            <Input autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item
            label={t('auth.login.password')}
            name="password"
            rules={[{ required: true, message: t('auth.login.passwordRequired') }]}
          >
            <Input.Password autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {submitting ? t('auth.login.submitting') : t('auth.login.submit')}
          </Button>
        </Form>
        <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
          {t('auth.login.noAccount')} <Link to="/register">{t('auth.login.registerLink')}</Link>
        </Typography.Paragraph>
      </Card>
    </Flex>
  );
}
