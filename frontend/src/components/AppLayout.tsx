import { Layout, Menu, Segmented, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';

import { SUPPORTED_LANGUAGES, changeLanguage, currentLanguage, isSupportedLanguage } from '../i18n';

const { Header, Content, Footer } = Layout;

/** Navigation entries; `key` is the route path. */
const NAV_ITEMS = [
  { key: '/', labelKey: 'common.nav.home' },
  { key: '/status', labelKey: 'common.nav.status' },
] as const;

function selectedNavKey(pathname: string): string[] {
  const match = NAV_ITEMS.filter((item) => item.key !== '/' && pathname.startsWith(item.key));
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
          selectedKeys={selectedNavKey(pathname)}
          items={NAV_ITEMS.map((item) => ({
            key: item.key,
            label: (
              <Link to={item.key} data-testid={`nav-${item.key === '/' ? 'home' : item.key.slice(1)}`}>
                {t(item.labelKey)}
              </Link>
            ),
          }))}
          style={{ flex: 1, minWidth: 0 }}
        />
        <LanguageSwitch />
      </Header>
      <Content style={{ padding: 24 }}>
        <div style={{ maxWidth: 1200, margin: '0 auto' }}>
          <Outlet />
        </div>
      </Content>
      <Footer style={{ textAlign: 'center' }}>
        <Typography.Text type="secondary">{t('common.footer')}</Typography.Text>
      </Footer>
    </Layout>
  );
}
