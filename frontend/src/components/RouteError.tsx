import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';

/**
 * What a route shows when its code cannot be loaded (typically a new version was deployed and the old
 * chunk is gone) or it throws while rendering: a way out instead of a blank page.
 */
export default function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  return (
    <Result
      status="error"
      title={t('common.routeError.title')}
      subTitle={error instanceof Error ? error.message : t('common.routeError.description')}
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          {t('common.routeError.reload')}
        </Button>
      }
      data-testid="route-error"
    />
  );
}
