import { Flex, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';

import type { UserRead } from '../auth/authApi';
import { useAuth } from '../auth/AuthProvider';
import ErrorAlert from './ErrorAlert';

export interface RequireAuthProps {
  /** Who may see the page; everybody signed in when left out. */
  allow?: (user: UserRead) => boolean;
  children: ReactNode;
}

/** Sends anonymous visitors to /login (and back afterwards); shows 403 to users without the right role. */
export default function RequireAuth({ allow, children }: RequireAuthProps) {
  const { t } = useTranslation();
  const { status, user, userError, reloadUser } = useAuth();
  const { pathname, search } = useLocation();

  if (status === 'anonymous') {
    return <Navigate to={`/login?next=${encodeURIComponent(pathname + search)}`} replace />;
  }
  if (status === 'loading') {
    return (
      <Flex justify="center" style={{ padding: 48 }} data-testid="auth-loading">
        <Spin description={t('common.user.loading')} size="large">
          <div style={{ width: 240, height: 48 }} />
        </Spin>
      </Flex>
    );
  }
  if (status === 'error' || !user) {
    return <ErrorAlert error={userError} title={t('common.user.loadFailed')} onRetry={reloadUser} />;
  }
  if (allow && !allow(user)) {
    return (
      <Result status="403" title={t('common.forbidden.title')} subTitle={t('common.forbidden.description')} data-testid="forbidden" />
    );
  }
  return children;
}
