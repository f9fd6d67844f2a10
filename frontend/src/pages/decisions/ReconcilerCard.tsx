import { Alert, Button, Card, Flex, Spin, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';

import type { ReconcileLine } from '../../api/decisions';
import { useReconcilerReport, useRunReconciler } from '../../api/decisions';
import ErrorAlert from '../../components/ErrorAlert';
import { formatDateTime } from '../../i18n/format';

const count = (value: unknown) => (typeof value === 'number' ? value : 0);

/** 对账: the reconciler's last report (what it settled that the saga left half-way), and a button to run it. */
export default function ReconcilerCard() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const report = useReconcilerReport();
  const run = useRunReconciler();
  const data = report.data;
  const columns: TableColumnsType<ReconcileLine> = [
    { title: t('decisions.reconciler.approval'), key: 'approval', render: (_: unknown, row) => <code>{row.approval_id ?? '—'}</code> },
    { title: t('decisions.reconciler.action'), key: 'action', render: (_: unknown, row) => t(`decisions.reconciler.actions.${row.action as 'money_posted'}`, { defaultValue: row.action }) },
    { title: t('decisions.reconciler.detail'), dataIndex: 'detail', key: 'detail' },
  ];
  return (
    <Card
      size="small"
      title={t('decisions.reconciler.title')}
      extra={
        <Button size="small" onClick={() => run.mutate()} loading={run.isPending} data-testid="reconciler-run">
          {t('decisions.reconciler.run')}
        </Button>
      }
      data-testid="reconciler-card"
      data-status={report.isPending ? 'loading' : data ? 'ready' : 'none'}
    >
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">{t('decisions.reconciler.intro')}</Typography.Text>
        {report.isError && <ErrorAlert error={report.error} title={t('decisions.loadError')} onRetry={() => void report.refetch()} />}
        {run.isError && <ErrorAlert error={run.error} title={t('decisions.reconciler.runError')} />}
        {report.isPending && <Spin />}
        {report.isSuccess && !data && <Typography.Text data-testid="reconciler-none">{t('decisions.reconciler.none')}</Typography.Text>}
        {data && (
          <>
            <Typography.Text data-testid="reconciler-finished" data-key={data.id}>
              {t('decisions.reconciler.finished', {
                at: formatDateTime(data.finished_at, language),
                trigger: t(`decisions.reconciler.triggers.${data.trigger as 'admin'}`, { defaultValue: data.trigger }),
                actor: data.actor,
              })}
            </Typography.Text>
            <div className="tpp-figures" data-testid="reconciler-summary">
              {(
                [
                  ['checked', count(data.summary.checked)],
                  ['fixed', data.fixed.length],
                  ['steps', count(data.summary.steps_taken)],
                  ['resent', count(data.summary.agencies_resent)],
                ] as const
              ).map(([name, value]) => (
                <div className="tpp-figure" key={name} data-testid={`reconciler-${name}`}>
                  <span className="tpp-figure-label">{t(`decisions.reconciler.${name}`)}</span>
                  <span className="tpp-figure-value">{value}</span>
                </div>
              ))}
            </div>
            {data.summary.funding_unavailable === true && <Alert type="warning" showIcon title={t('decisions.reconciler.fundingUnavailable')} />}
            {data.fixed.length === 0 ? (
              <Typography.Text type="secondary">{t('decisions.reconciler.nothingFixed')}</Typography.Text>
            ) : (
              <Table<ReconcileLine>
                rowKey={(row, index) => `${row.approval_id ?? ''}-${row.action}-${index}`}
                columns={columns}
                dataSource={data.fixed}
                size="small"
                scroll={{ x: 'max-content' }}
                pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
                data-testid="reconciler-lines"
              />
            )}
          </>
        )}
      </Flex>
    </Card>
  );
}
