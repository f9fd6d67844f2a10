import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

import ButtonLink from '../components/ButtonLink';
import { usePageTitle } from '../components/usePageTitle';

export default function NotFoundPage() {
  const { t } = useTranslation();
  usePageTitle(t('notFound.title'));
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.description')}
      data-testid="not-found-page"
      extra={
        <ButtonLink to="/" type="primary">
          {t('notFound.backHome')}
        </ButtonLink>
      }
    />
  );
}
