import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

import zhAdmin from './locales/zh-CN/admin.json';
import zhApplications from './locales/zh-CN/applications.json';
import zhAgencies from './locales/zh-CN/agencies.json';
import zhAuth from './locales/zh-CN/auth.json';
import zhCommon from './locales/zh-CN/common.json';
import zhDecisions from './locales/zh-CN/decisions.json';
import zhDeliverables from './locales/zh-CN/deliverables.json';
import zhFunding from './locales/zh-CN/funding.json';
import zhHome from './locales/zh-CN/home.json';
import zhMatrix from './locales/zh-CN/matrix.json';
import zhReports from './locales/zh-CN/reports.json';
import zhNotFound from './locales/zh-CN/notFound.json';
import zhStatus from './locales/zh-CN/status.json';
import zhSupervision from './locales/zh-CN/supervision.json';
import zhTasks from './locales/zh-CN/tasks.json';
import enAdmin from './locales/en/admin.json';
import enApplications from './locales/en/applications.json';
import enAgencies from './locales/en/agencies.json';
import enAuth from './locales/en/auth.json';
import enCommon from './locales/en/common.json';
import enDecisions from './locales/en/decisions.json';
import enDeliverables from './locales/en/deliverables.json';
import enFunding from './locales/en/funding.json';
import enHome from './locales/en/home.json';
import enMatrix from './locales/en/matrix.json';
import enReports from './locales/en/reports.json';
import enNotFound from './locales/en/notFound.json';
import enStatus from './locales/en/status.json';
import enSupervision from './locales/en/supervision.json';
import enTasks from './locales/en/tasks.json';

/** Languages the UI ships with. The first one is the default. */
export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

/** localStorage key that remembers the user's language choice. */
export const LANGUAGE_STORAGE_KEY = 'tpp.lang';

/**
 * One namespace ("translation"); each locale file is one area and is mounted
 * under its area name, so keys read `status.table.service`, `common.nav.home`.
 */
export const resources = {
  'zh-CN': {
    translation: {
      admin: zhAdmin,
      applications: zhApplications,
      agencies: zhAgencies,
      auth: zhAuth,
      common: zhCommon,
      decisions: zhDecisions,
      deliverables: zhDeliverables,
      funding: zhFunding,
      home: zhHome,
      matrix: zhMatrix,
      reports: zhReports,
      notFound: zhNotFound,
      status: zhStatus,
      supervision: zhSupervision,
      tasks: zhTasks,
    },
  },
  en: {
    translation: {
      admin: enAdmin,
      applications: enApplications,
      agencies: enAgencies,
      auth: enAuth,
      common: enCommon,
      decisions: enDecisions,
      deliverables: enDeliverables,
      funding: enFunding,
      home: enHome,
      matrix: enMatrix,
      reports: enReports,
      notFound: enNotFound,
      status: enStatus,
      supervision: enSupervision,
      tasks: enTasks,
    },
  },
} as const;

export function isSupportedLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

function readStoredLanguage(): Language {
  try {
    const stored = globalThis.localStorage?.getItem(LANGUAGE_STORAGE_KEY);
    if (isSupportedLanguage(stored)) return stored;
  } catch {
    // localStorage can be unavailable (privacy mode); fall back to the default.
  }
  return DEFAULT_LANGUAGE;
}

function persistLanguage(lng: string): void {
  if (!isSupportedLanguage(lng)) return;
  try {
    globalThis.localStorage?.setItem(LANGUAGE_STORAGE_KEY, lng);
  } catch {
    // Not fatal: the choice just isn't remembered.
  }
  if (typeof document !== 'undefined') {
    document.documentElement.lang = lng;
  }
}

/** The language currently in use, always one of SUPPORTED_LANGUAGES. */
export function currentLanguage(): Language {
  const lng = i18n.resolvedLanguage ?? i18n.language;
  return isSupportedLanguage(lng) ? lng : DEFAULT_LANGUAGE;
}

export function changeLanguage(lng: Language): Promise<unknown> {
  return i18n.changeLanguage(lng);
}

i18n.on('languageChanged', persistLanguage);

void i18n.use(initReactI18next).init({
  resources,
  lng: readStoredLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...SUPPORTED_LANGUAGES],
  defaultNS: 'translation',
  initAsync: false,
  interpolation: { escapeValue: false }, // React already escapes.
  returnNull: false,
});

if (typeof document !== 'undefined') {
  document.documentElement.lang = currentLanguage();
}

export default i18n;
