import { Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';

import { register, USERNAME_PATTERN } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import ErrorAlert from '../../components/ErrorAlert';
import { applyFieldErrors } from '../../components/formErrors';
import { usePageTitle } from '../../components/usePageTitle';

interface RegisterForm {
  username: string;
  display_name: string;
  email: string;
  password: string;
  confirm: string;
}

export default function RegisterPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.register.title'));
  const { status, signIn } = useAuth();
  const navigate = useNavigate();
  const [form] = Form.useForm<RegisterForm>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (status === 'signedIn' && !submitting) return <Navigate to="/" replace />;

  const onFinish = async (values: RegisterForm) => {
    setSubmitting(true);
    setError(null);
    const username = values.username.trim();
    try {
      const email = values.email?.trim();
      await register({
        username,
        password: values.password,
        display_name: values.display_name.trim(),
        ...(email ? { email } : {}),
      });
    } catch (caught) {
      setError(caught);
      applyFieldErrors(form, caught, { username_taken: 'username' });
      setSubmitting(false);
      return;
    }
    try {
      await signIn({ username, password: values.password });
      await navigate('/', { replace: true });
    } catch {
      // Registered but not signed in (e.g. rate limited): the sign-in page says so and has the username.
      await navigate('/login', { replace: true, state: { registered: username } });
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Flex justify="center" data-testid="register-page">
      <Card style={{ width: '100%', maxWidth: 480 }}>
        <Typography.Title level={2} style={{ marginTop: 0 }}>
          {t('auth.register.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('auth.register.subtitle')}</Typography.Paragraph>
        {error !== null && (
          <div style={{ marginBottom: 16 }} data-testid="register-error">
            <ErrorAlert error={error} title={t('auth.register.failed')} />
          </div>
        )}
        <Form<RegisterForm>
          form={form}
          layout="vertical"
          initialValues={{ username: '', display_name: '', email: '', password: '', confirm: '' }}
          onFinish={(values) => void onFinish(values)}
          disabled={submitting}
        >
          <Form.Item
            label={t('auth.register.username')}
            name="username"
            extra={t('auth.register.usernameHelp')}
            rules={[
              { required: true, whitespace: true, message: t('auth.register.rules.usernameRequired') },
              { min: 3, max: 64, message: t('auth.register.rules.usernameLength') },
              { pattern: USERNAME_PATTERN, message: t('auth.register.rules.usernamePattern') },
            ]}
          >
            <Input autoComplete="username" data-testid="register-username" />
          </Form.Item>
          <Form.Item
            label={t('auth.register.displayName')}
            name="display_name"
            rules={[
              { required: true, whitespace: true, message: t('auth.register.rules.displayNameRequired') },
              { max: 100 },
            ]}
          >
            <Input autoComplete="name" data-testid="register-display-name" />
          </Form.Item>
          <Form.Item
            label={t('auth.register.email')}
            name="email"
            rules={[{ type: 'email', message: t('auth.register.rules.emailInvalid') }]}
          >
            <Input autoComplete="email" data-testid="register-email" />
          </Form.Item>
          <Form.Item
            label={t('auth.register.password')}
            name="password"
            extra={t('auth.register.passwordHelp')}
            rules={[
              { required: true, message: t('auth.register.rules.passwordRequired') },
              { min: 10, max: 128, message: t('auth.register.rules.passwordLength') },
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="register-password" />
          </Form.Item>
          <Form.Item
            label={t('auth.register.confirmPassword')}
            name="confirm"
            dependencies={['password']}
            rules={[
              { required: true, message: t('auth.register.rules.confirmRequired') },
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || getFieldValue('password') === value
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('auth.register.rules.confirmMismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="register-confirm" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="register-submit">
            {submitting ? t('auth.register.submitting') : t('auth.register.submit')}
          </Button>
        </Form>
        <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
          {t('auth.register.haveAccount')} <Link to="/login">{t('auth.register.loginLink')}</Link>
        </Typography.Paragraph>
      </Card>
    </Flex>
  );
}
