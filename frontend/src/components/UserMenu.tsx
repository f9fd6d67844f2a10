import { Button, Flex, Spin, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';

import { useAuth } from '../auth/AuthProvider';
import ButtonLink from './ButtonLink';

const ROLE_COLORS = { applicant: 'blue', reviewer: 'purple', admin: 'gold' } as const;

/** The header's account area: sign-in links, or who is signed in and a sign-out button. */
export default function UserMenu() {
  const { t } = useTranslation();
  const { status, user, signOut, reloadUser } = useAuth();
  const navigate = useNavigate();
  const { pathname, search } = useLocation();

  const onSignOut = () => {
    void signOut().then(() => navigate('/'));
  };

  if (status === 'anonymous') {
    const next = pathname === '/login' || pathname === '/register' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    return (
      <Flex gap={8} data-testid="user-menu" data-status="anonymous">
        <ButtonLink to={`/login${next}`} type="primary" data-testid="sign-in-link">
          {t('common.user.signIn')}
        </ButtonLink>
        <ButtonLink to="/register" ghost data-testid="register-link">
          {t('common.user.register')}
        </ButtonLink>
      </Flex>
    );
  }

  if (status === 'loading') {
    return (
      <Flex data-testid="user-menu" data-status="loading" aria-label={t('common.user.loading')}>
        <Spin size="small" />
      </Flex>
    );
  }

  const signOutButton = (
    <Button size="small" onClick={onSignOut} data-testid="sign-out">
      {t('common.user.signOut')}
    </Button>
  );

  if (status === 'error' || !user) {
    return (
      <Flex gap={8} align="center" data-testid="user-menu" data-status="error">
        <Tooltip title={t('common.retry')}>
          <Button size="small" danger onClick={reloadUser}>
            {t('common.user.loadFailed')}
          </Button>
        </Tooltip>
        {signOutButton}
      </Flex>
    );
  }

  return (
    <Flex gap={8} align="center" data-testid="user-menu" data-status="signedIn" aria-label={t('common.user.label')}>
      <Typography.Text style={{ color: '#fff', whiteSpace: 'nowrap' }} data-testid="user-display-name">
        {user.display_name}
      </Typography.Text>
      <Tag color={ROLE_COLORS[user.role]} style={{ marginInlineEnd: 0 }} data-testid="user-role" data-role={user.role}>
        {t(`common.roles.${user.role}`)}
      </Tag>
      {user.agency_code && (
        <Tag style={{ marginInlineEnd: 0 }} data-testid="user-agency">
          {t('common.user.agency', { code: user.agency_code })}
        </Tag>
      )}
      {signOutButton}
    </Flex>
  );
}
