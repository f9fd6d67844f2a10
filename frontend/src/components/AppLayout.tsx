import { Layout, Menu, Segmented, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';

import type { UserRead } from '../auth/authApi';
import { canManageApiKeys } from '../auth/authApi';
import { useAuth } from '../auth/AuthProvider';
import { SUPPORTED_LANGUAGES, changeLanguage, currentLanguage, isSupportedLanguage } from '../i18n';
import UserMenu from './UserMenu';

const { Header, Content, Footer } = Layout;

interface NavItem {
  /** The route path. */
  key: string;
  testId: string;
  labelKey:
    | 'common.nav.home'
    | 'common.nav.tasks'
    | 'common.nav.matrix'
    | 'common.nav.status'
    | 'common.nav.adminUsers'
    | 'common.nav.adminApiKeys';
  /** Who sees the entry; everybody when left out. */
  visibleTo?: (user: UserRead | null) => boolean;
}

const NAV_ITEMS: readonly NavItem[] = [
  { key: '/', testId: 'nav-home', labelKey: 'common.nav.home' },
  { key: '/tasks', testId: 'nav-tasks', labelKey: 'common.nav.tasks' },
  { key: '/matrix', testId: 'nav-matrix', labelKey: 'common.nav.matrix' },
  { key: '/status', testId: 'nav-status', labelKey: 'common.nav.status' },
  { key: '/admin/users', testId: 'nav-admin-users', labelKey: 'common.nav.adminUsers', visibleTo: (user) => user?.role === 'admin' },
  { key: '/admin/api-keys', testId: 'nav-admin-api-keys', labelKey: 'common.nav.adminApiKeys', visibleTo: canManageApiKeys },
];

export function navItemsFor(user: UserRead | null): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.visibleTo || item.visibleTo(user));
}

function selectedNavKey(items: NavItem[], pathname: string): string[] {
  const match = items.filter((item) => item.key !== '/' && (pathname === item.key || pathname.startsWith(`${item.key}/`)));
  if (match.length > 0) return [match[0]!.key];
  return pathname === '/' ? ['/'] : [];
}

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const language = isSupportedLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();
  return (
    <Segmented
      data-testid="lang-switch"
      data-lang={language}
      aria-label={t('common.language.label')}
      value={language}
      onChange={(value) => {
        if (isSupportedLanguage(value)) void changeLanguage(value);
      }}
      options={SUPPORTED_LANGUAGES.map((lng) => ({
        value: lng,
        label: <span data-testid={`lang-option-${lng}`}>{t(`common.language.${lng}`)}</span>,
      }))}
    />
  );
}

export default function AppLayout() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const { user } = useAuth();
  const navItems = navItemsFor(user);

  useEffect(() => {
    document.title = t('common.documentTitle');
  }, [t]);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', gap: 24, paddingInline: 24 }}>
        <Link to="/" style={{ flex: 'none' }}>
          <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }} data-testid="product-name">
            {t('common.productName')}
          </Typography.Title>
        </Link>
        <Menu
          theme="dark"
          mode="horizontal"
          aria-label={t('common.nav.label')}
          selectedKeys={selectedNavKey(navItems, pathname)}
          items={navItems.map((item) => ({
            key: item.key,
            label: (
              <Link to={item.key} data-testid={item.testId}>
                {t(item.labelKey)}
              </Link>
            ),
          }))}
          style={{ flex: 1, minWidth: 0 }}
        />
        <LanguageSwitch />
        <UserMenu />
      </Header>
      <Content style={{ padding: 24 }}>
        <div style={{ maxWidth: 1400, margin: '0 auto' }}>
          <Outlet />
        </div>
      </Content>
      <Footer style={{ textAlign: 'center' }}>
        <Typography.Text type="secondary">{t('common.footer')}</Typography.Text>
      </Footer>
    </Layout>
  );
}
