import { Flex, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import ErrorAlert from './ErrorAlert';

interface RecordQuery {
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** A record page while its record loads or after loading it failed: the breadcrumb, then a spinner or the error
 *  with a retry. `data-status` lets tests wait for the page to settle. */
export default function RecordFrame({ testId, breadcrumb, query, errorTitle }: {
  testId: string;
  breadcrumb: ReactNode;
  query: RecordQuery;
  errorTitle: string;
}) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16} data-testid={testId} data-status={query.isError ? 'error' : 'loading'}>
      {breadcrumb}
      {query.isError ? (
        <ErrorAlert error={query.error} title={errorTitle} onRetry={() => void query.refetch()} />
      ) : (
        <Flex justify="center" style={{ padding: 48 }}>
          <Spin description={t('common.loading')} size="large">
            <div style={{ width: 240, height: 48 }} />
          </Spin>
        </Flex>
      )}
    </Flex>
  );
}
