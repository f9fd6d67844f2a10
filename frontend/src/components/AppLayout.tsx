import { Layout, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, ScrollRestoration, useLocation, useNavigation } from 'react-router';

import type { UserRead } from '../auth/authApi';
import { canManageApiKeys, isAdmin, isAgencyStaff, isApplicant, isExpert } from '../auth/authApi';
import { useAuth } from '../auth/AuthProvider';
import { SUPPORTED_LANGUAGES, changeLanguage, currentLanguage, isSupportedLanguage } from '../i18n';
import './AppLayout.css';
import UserMenu from './UserMenu';

const { Content, Footer } = Layout;

interface NavItem {
  /** The route path. */
  key: string;
  testId: string;
  labelKey:
    | 'common.nav.home'
    | 'common.nav.tasks'
    | 'common.nav.deliverables'
    | 'common.nav.matrix'
    | 'common.nav.reports'
    | 'common.nav.supervision'
    | 'common.nav.myAgency'
    | 'common.nav.adminUsers'
    | 'common.nav.adminApiKeys'
    | 'common.nav.adminWebhooks'
    | 'common.nav.calls'
    | 'common.nav.notices'
    | 'common.nav.applications'
    | 'common.nav.queue'
    | 'common.nav.reviews'
    | 'common.nav.adminQuotas'
    | 'common.nav.adminCalendar'
    | 'common.nav.funding'
    | 'common.nav.decisions';
  /** Who sees the entry; everybody when left out. */
  visibleTo?: (user: UserRead | null) => boolean;
}

const NAV_ITEMS: readonly NavItem[] = [
  { key: '/', testId: 'nav-home', labelKey: 'common.nav.home' },
  { key: '/tasks', testId: 'nav-tasks', labelKey: 'common.nav.tasks' },
  { key: '/deliverables', testId: 'nav-deliverables', labelKey: 'common.nav.deliverables' },
  { key: '/matrix', testId: 'nav-matrix', labelKey: 'common.nav.matrix' },
  { key: '/calls', testId: 'nav-calls', labelKey: 'common.nav.calls' },
  { key: '/notices', testId: 'nav-notices', labelKey: 'common.nav.notices' },
  { key: '/funding', testId: 'nav-funding', labelKey: 'common.nav.funding' },
  { key: '/applications', testId: 'nav-applications', labelKey: 'common.nav.applications', visibleTo: isApplicant },
  { key: '/applications', testId: 'nav-queue', labelKey: 'common.nav.queue', visibleTo: (user) => isAgencyStaff(user) || isAdmin(user) },
  { key: '/decisions', testId: 'nav-decisions', labelKey: 'common.nav.decisions', visibleTo: isAdmin },
  { key: '/reviews', testId: 'nav-reviews', labelKey: 'common.nav.reviews', visibleTo: isExpert },
  { key: '/reports', testId: 'nav-reports', labelKey: 'common.nav.reports', visibleTo: isAgencyStaff },
  { key: '/supervision', testId: 'nav-supervision', labelKey: 'common.nav.supervision', visibleTo: (user) => isAdmin(user) || isAgencyStaff(user) },
  { key: '/my-agency', testId: 'nav-my-agency', labelKey: 'common.nav.myAgency', visibleTo: isAgencyStaff },
  { key: '/admin/users', testId: 'nav-admin-users', labelKey: 'common.nav.adminUsers', visibleTo: isAdmin },
  { key: '/admin/api-keys', testId: 'nav-admin-api-keys', labelKey: 'common.nav.adminApiKeys', visibleTo: canManageApiKeys },
  { key: '/admin/webhooks', testId: 'nav-admin-webhooks', labelKey: 'common.nav.adminWebhooks', visibleTo: canManageApiKeys },
  { key: '/admin/quotas', testId: 'nav-admin-quotas', labelKey: 'common.nav.adminQuotas', visibleTo: isAdmin },
  { key: '/admin/calendar', testId: 'nav-admin-calendar', labelKey: 'common.nav.adminCalendar', visibleTo: isAdmin },
];

export function navItemsFor(user: UserRead | null): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.visibleTo || item.visibleTo(user));
}

/** 中文 | English, as two toggle buttons (the choice is remembered). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const language = isSupportedLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();
  return (
    <div className="tpp-lang" role="group" aria-label={t('common.language.label')} data-testid="lang-switch" data-lang={language}>
      {SUPPORTED_LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          aria-pressed={language === lng}
          className={language === lng ? 'tpp-lang-option tpp-lang-option-active' : 'tpp-lang-option'}
          onClick={() => void changeLanguage(lng)}
          data-testid={`lang-option-${lng}`}
        >
          {t(`common.language.${lng}`)}
        </button>
      ))}
    </div>
  );
}

function NavLinks({ items, onNavigate }: { items: NavItem[]; onNavigate?: () => void }) {
  const { t } = useTranslation();
  return (
    <ul className="tpp-nav-list">
      {items.map((item) => (
        <li key={item.testId}>
          <NavLink to={item.key} end={item.key === '/'} className="tpp-nav-link" data-testid={item.testId} onClick={onNavigate}>
            {t(item.labelKey)}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

/**
 * The phone menu: a native modal <dialog>, so focus stays inside while it is open, Escape closes it and
 * focus returns to the button that opened it.
 */
function PhoneMenu({ items }: { items: NavItem[] }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const { pathname } = useLocation();
  const close = () => dialog.current?.close();

  useEffect(close, [pathname]);

  return (
    <>
      <button
        type="button"
        className="tpp-menu-button"
        aria-label={t('common.nav.open')}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => {
          dialog.current?.showModal();
          setOpen(true);
        }}
        data-testid="nav-toggle"
      >
        <span className="tpp-menu-icon" aria-hidden="true" />
      </button>
      <dialog
        ref={dialog}
        className="tpp-menu-dialog"
        aria-label={t('common.nav.label')}
        onClose={() => setOpen(false)}
        onClick={(event) => {
          if (event.target === dialog.current) close();
        }}
        data-testid="nav-drawer"
      >
        {open && (
          <div className="tpp-menu-panel">
            <div className="tpp-menu-head">
              <span className="tpp-menu-title">{t('common.productName')}</span>
              <button type="button" className="tpp-menu-close" onClick={close} aria-label={t('common.nav.close')} data-testid="nav-close">
                ×
              </button>
            </div>
            <nav aria-label={t('common.nav.label')}>
              <NavLinks items={items} onNavigate={close} />
            </nav>
            <LanguageSwitch />
            <UserMenu compact onNavigate={close} />
          </div>
        )}
      </dialog>
    </>
  );
}

/**
 * After moving to another page, focus goes to the page's content, so a screen reader starts reading
 * there and the next Tab continues from it (not from the link that was clicked).
 */
function useFocusOnNavigation() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);
}

export default function AppLayout() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const navigation = useNavigation();
  const navItems = navItemsFor(user);
  const busy = navigation.state !== 'idle';
  useFocusOnNavigation();

  return (
    <Layout className="tpp-layout">
      <a className="tpp-skip-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <div className={busy ? 'tpp-route-progress tpp-route-progress-active' : 'tpp-route-progress'} aria-hidden="true" />
      <header className="tpp-header">
        <div className="tpp-phone-only">
          <PhoneMenu items={navItems} />
        </div>
        <Link to="/" className="tpp-product" data-testid="product-name">
          {t('common.productName')}
        </Link>
        <nav aria-label={t('common.nav.label')} className="tpp-nav tpp-wide-only">
          <NavLinks items={navItems} />
        </nav>
        <div className="tpp-header-tools tpp-wide-only">
          <LanguageSwitch />
          <UserMenu />
        </div>
      </header>
      <Content id="main" tabIndex={-1} className="tpp-content" aria-busy={busy}>
        <div className="tpp-page">
          <Outlet />
        </div>
      </Content>
      <Footer className="tpp-footer">
        <Typography.Text type="secondary">{t('common.footer')}</Typography.Text>
        <Link to="/status" data-testid="nav-status">
          {t('common.nav.status')}
        </Link>
      </Footer>
      <ScrollRestoration />
    </Layout>
  );
}
