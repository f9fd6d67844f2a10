import { Flex, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

import { usePlansQuery } from '../../api/agencies';
import { useAuth } from '../../auth/AuthProvider';
import ButtonLink from '../../components/ButtonLink';
import { usePageTitle } from '../../components/usePageTitle';
import Dashboard from './Dashboard';

// Only signed-in reviewers and administrators have work here; visitors do not load its code.
const MyWork = lazy(() => import('./MyWork'));

/** The home page: a signed-in reviewer's or administrator's work first, then the plan's progress in charts. */
export default function HomePage() {
  const { t, i18n } = useTranslation();
  const english = (i18n.resolvedLanguage ?? 'zh-CN').startsWith('en');
  const { user } = useAuth();
  const plans = usePlansQuery();
  const plan = plans.data?.[0];
  usePageTitle(t('home.pageTitle'));

  return (
    <Flex vertical gap={24} data-testid="home-page">
      <div>
        <Typography.Title level={1} style={{ marginBottom: 4, fontSize: 28 }}>
          {plan ? (english && plan.title_en ? plan.title_en : plan.title) : t('home.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ maxWidth: 820, marginBottom: 12 }}>
          {plan ? t('home.planLine', { number: plan.document_number, start: plan.period_start.slice(0, 4), end: plan.period_end.slice(0, 4), tasks: plan.task_count }) : t('home.intro')}
        </Typography.Paragraph>
        <Flex wrap gap={12}>
          <ButtonLink to="/tasks" type="primary" data-testid="home-tasks-link">
            {t('home.tasksLink')}
          </ButtonLink>
          <ButtonLink to="/deliverables" data-testid="home-deliverables-link">
            {t('home.deliverablesLink')}
          </ButtonLink>
          <ButtonLink to="/matrix" data-testid="home-matrix-link">
            {t('home.matrixLink')}
          </ButtonLink>
        </Flex>
      </div>
      {user && (
        <Suspense fallback={null}>
          <MyWork user={user} />
        </Suspense>
      )}
      <Dashboard />
    </Flex>
  );
}
