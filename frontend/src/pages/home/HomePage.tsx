import { Card, Descriptions, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import ButtonLink from '../../components/ButtonLink';

const FEATURES = ['agencies', 'applications', 'funding'] as const;

/** Static landing page: no data is fetched, so it has no loading/empty/error state. */
export default function HomePage() {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={24} data-testid="home-page">
      <div>
        <Typography.Title level={1} style={{ marginBottom: 8 }}>
          {t('home.title')}
        </Typography.Title>
        <Typography.Title level={4} type="secondary" style={{ marginTop: 0 }}>
          {t('home.subtitle')}
        </Typography.Title>
        <Typography.Paragraph style={{ fontSize: 16, maxWidth: 820 }}>{t('home.intro')}</Typography.Paragraph>
      </div>

      <Descriptions
        bordered
        column={1}
        items={[{ key: 'firstPlan', label: t('home.firstPlan.label'), children: t('home.firstPlan.name') }]}
      />

      <Card title={t('home.features.title')}>
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          {FEATURES.map((feature) => (
            <li key={feature}>
              <Typography.Text>{t(`home.features.${feature}`)}</Typography.Text>
            </li>
          ))}
        </ul>
      </Card>

      <Flex wrap gap={12}>
        <ButtonLink to="/tasks" type="primary" data-testid="home-tasks-link">
          {t('home.tasksLink')}
        </ButtonLink>
        <ButtonLink to="/matrix" data-testid="home-matrix-link">
          {t('home.matrixLink')}
        </ButtonLink>
        <ButtonLink to="/status" data-testid="home-status-link">
          {t('home.statusLink')}
        </ButtonLink>
      </Flex>
    </Flex>
  );
}
