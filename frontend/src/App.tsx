import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider } from 'antd';
import type { Locale } from 'antd/es/locale';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes } from 'react-router';

import { canManageApiKeys } from './auth/authApi';
import { AuthProvider } from './auth/AuthProvider';
import { isApiError } from './api/http';
import AppLayout from './components/AppLayout';
import RequireAuth from './components/RequireAuth';
import type { Language } from './i18n';
import { currentLanguage, isSupportedLanguage } from './i18n';
import ApiKeysPage from './pages/admin/ApiKeysPage';
import UsersPage from './pages/admin/UsersPage';
import AgencyPage from './pages/agencies/AgencyPage';
import LoginPage from './pages/auth/LoginPage';
import RegisterPage from './pages/auth/RegisterPage';
import MatrixPage from './pages/matrix/MatrixPage';
import NotFoundPage from './pages/NotFoundPage';
import TaskPage from './pages/tasks/TaskPage';
import TasksPage from './pages/tasks/TasksPage';
import HomePage from './pages/home/HomePage';
import StatusPage from './pages/status/StatusPage';

const ANTD_LOCALES: Record<Language, Locale> = { 'zh-CN': zhCN, en: enUS };

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

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<HomePage />} />
        <Route path="status" element={<StatusPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="register" element={<RegisterPage />} />
        <Route path="tasks" element={<TasksPage />} />
        <Route path="tasks/:planCode/:number" element={<TaskPage />} />
        <Route path="matrix" element={<MatrixPage />} />
        <Route path="agencies/:code" element={<AgencyPage />} />
        <Route
          path="admin/users"
          element={
            <RequireAuth allow={(user) => user.role === 'admin'}>
              <UsersPage />
            </RequireAuth>
          }
        />
        <Route
          path="admin/api-keys"
          element={
            <RequireAuth allow={canManageApiKeys}>
              <ApiKeysPage />
            </RequireAuth>
          }
        />
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
      <AuthProvider>
      <ConfigProvider locale={ANTD_LOCALES[language]} button={{ autoInsertSpace: false }}>
        <AntdApp>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </AntdApp>
      </ConfigProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}
