import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider } from 'antd';
import type { Locale } from 'antd/es/locale';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes } from 'react-router';

import AppLayout from './components/AppLayout';
import type { Language } from './i18n';
import { currentLanguage, isSupportedLanguage } from './i18n';
import NotFoundPage from './pages/NotFoundPage';
import HomePage from './pages/home/HomePage';
import StatusPage from './pages/status/StatusPage';

const ANTD_LOCALES: Record<Language, Locale> = { 'zh-CN': zhCN, en: enUS };

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { refetchOnWindowFocus: false, retry: 1 },
    },
  });
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<HomePage />} />
        <Route path="status" element={<StatusPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export interface AppProps {
  /** Injected by tests; the app makes its own otherwise. */
  queryClient?: QueryClient;
}

export default function App({ queryClient }: AppProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  const { i18n } = useTranslation();
  const language = isSupportedLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : currentLanguage();

  return (
    <QueryClientProvider client={client}>
      <ConfigProvider locale={ANTD_LOCALES[language]} button={{ autoInsertSpace: false }}>
        <AntdApp>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </AntdApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
