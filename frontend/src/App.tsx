import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import type { ThemeConfig } from 'antd';
import type { Locale } from 'antd/es/locale';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';

import { isApiError } from './api/http';
import { AuthProvider } from './auth/AuthProvider';
import type { Language } from './i18n';
import { currentLanguage, isSupportedLanguage } from './i18n';
import { createAppRouter } from './router';

const ANTD_LOCALES: Record<Language, Locale> = { 'zh-CN': zhCN, en: enUS };

/**
 * Ant Design's default greys, blue and red are too light for text on white (WCAG 2.1 AA asks 4.5:1,
 * GB/T 37668 follows it); these keep the look and reach at least 4.5:1, hovered and pressed too (antd
 * derives lighter hover colours, e.g. white on #2e7ae6 is 4.4:1 and a hovered link #579df2 2.8:1, so
 * hover and press go darker here). Status words in green and amber are drawn by ToneTag, whose pairs
 * reach it too. theme.test.ts checks every pair.
 */
export const ACCESSIBLE_THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorPrimaryTextHover: '#003eb3',
    colorPrimaryTextActive: '#002c8c',
    colorInfo: '#0958d9',
    colorLink: '#0958d9',
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
    colorError: '#cf1322',
    colorErrorHover: '#a8071a',
    colorErrorActive: '#820014',
    colorErrorTextHover: '#a8071a',
    colorErrorTextActive: '#820014',
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextQuaternary: 'rgba(0, 0, 0, 0.56)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
  },
};

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // One retry, and only when trying again can help (no answer, or a 5xx); a 4xx stays a 4xx.
      queries: {
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => failureCount < 1 && (!isApiError(error) || error.status === 0 || error.status >= 500),
      },
    },
  });
}

export interface AppProps {
  /** Injected by tests; the app makes its own otherwise. */
  queryClient?: QueryClient;
}

export default function App({ queryClient }: AppProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  const [router] = useState(() => createAppRouter(client));
  const { i18n } = useTranslation();
  const language = isSupportedLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();

  return (
    <QueryClientProvider client={client}>
      <AuthProvider>
        <ConfigProvider locale={ANTD_LOCALES[language]} theme={ACCESSIBLE_THEME} button={{ autoInsertSpace: false }}>
          <RouterProvider router={router} />
        </ConfigProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}
