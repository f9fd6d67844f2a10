import { Button, Flex, Spin, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';

import type { UserRead } from '../auth/authApi';
import { isAgencyStaff } from '../auth/authApi';
import { useAuth } from '../auth/AuthProvider';
import AgencyName from './AgencyName';
import ButtonLink from './ButtonLink';

const ROLE_COLORS = { applicant: 'blue', reviewer: 'purple', expert: 'geekblue', admin: 'magenta' } as const;

export interface UserMenuProps {
  /** Laid out for the phone menu: stacked, everything shown at once. */
  compact?: boolean;
  /** Called when an entry leads elsewhere (the phone menu closes then). */
  onNavigate?: () => void;
}

function RoleTag({ user }: { user: UserRead }) {
  const { t } = useTranslation();
  return (
    <Tag color={ROLE_COLORS[user.role]} style={{ marginInlineEnd: 0 }} data-testid="user-role" data-role={user.role}>
      {t(`common.roles.${user.role}`)}
    </Tag>
  );
}

/** The header's account area: sign-in links, or who is signed in (name, role, agency) and sign-out. */
export default function UserMenu({ compact = false, onNavigate }: UserMenuProps) {
  const { t } = useTranslation();
  const { status, user, signOut, reloadUser } = useAuth();
  const navigate = useNavigate();
  const { pathname, search } = useLocation();

  const onSignOut = () => {
    onNavigate?.();
    void signOut().then(() => navigate('/'));
  };

  if (status === 'anonymous') {
    const next = pathname === '/login' || pathname === '/register' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    return (
      <Flex gap={8} vertical={compact} data-testid="user-menu" data-status="anonymous" onClick={onNavigate}>
        <ButtonLink to={`/login${next}`} type="primary" data-testid="sign-in-link">
          {t('common.user.signIn')}
        </ButtonLink>
        <ButtonLink to="/register" ghost={!compact} data-testid="register-link">
          {t('common.user.register')}
        </ButtonLink>
      </Flex>
    );
  }

  if (status === 'loading') {
    return (
      <Flex data-testid="user-menu" data-status="loading" role="status" aria-label={t('common.user.loading')}>
        <Spin size="small" />
      </Flex>
    );
  }

  const signOutButton = (
    <Button size={compact ? 'middle' : 'small'} onClick={onSignOut} data-testid="sign-out">
      {t('common.user.signOut')}
    </Button>
  );

  if (status === 'error' || !user) {
    return (
      <Flex gap={8} align="center" vertical={compact} data-testid="user-menu" data-status="error">
        <Button size="small" danger onClick={reloadUser} title={t('common.retry')}>
          {t('common.user.loadFailed')}
        </Button>
        {signOutButton}
      </Flex>
    );
  }

  const agency = user.agency_code ? (
    <Typography.Text data-testid="user-agency">
      <AgencyName code={user.agency_code} />
    </Typography.Text>
  ) : null;

  if (compact) {
    return (
      <Flex vertical gap={8} data-testid="user-menu" data-status="signedIn" aria-label={t('common.user.label')} role="group">
        <Flex gap={8} align="center" wrap>
          <Typography.Text strong data-testid="user-display-name">
            {user.display_name}
          </Typography.Text>
          <RoleTag user={user} />
        </Flex>
        {agency}
        {signOutButton}
      </Flex>
    );
  }

  return <AccountDisclosure user={user} agency={agency} signOutButton={signOutButton} />;
}

/** The signed-in user's name as a button that shows who they are, their agency and sign-out. */
function AccountDisclosure({ user, agency, signOutButton }: { user: UserRead; agency: ReactNode; signOutButton: ReactNode }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const { pathname } = useLocation();

  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (event: PointerEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="tpp-account" ref={root} data-testid="user-menu" data-status="signedIn">
      <button
        type="button"
        className="tpp-account-button"
        aria-expanded={open}
        aria-controls="tpp-account-panel"
        onClick={() => setOpen(!open)}
        data-testid="user-menu-button"
      >
        <span data-testid="user-display-name">{user.display_name}</span>
        <span className="tpp-caret" aria-hidden="true" />
      </button>
      <div id="tpp-account-panel" className="tpp-account-panel" hidden={!open} role="group" aria-label={t('common.user.label')}>
        <Flex vertical gap={8}>
          <Flex gap={8} align="center" wrap>
            <Typography.Text strong>{user.display_name}</Typography.Text>
            <RoleTag user={user} />
          </Flex>
          {agency}
          {isAgencyStaff(user) && (
            <Link to="/my-agency" data-testid="user-my-agency">
              {t('common.nav.myAgency')}
            </Link>
          )}
          {signOutButton}
        </Flex>
      </div>
    </div>
  );
}
