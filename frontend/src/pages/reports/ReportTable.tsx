import { Button, Empty, Flex, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { ReportRead } from '../../api/agencies';
import { taskPath } from '../../api/agencies';
import type { Page } from '../../api/page';
import { useTaskDetails } from '../../api/useTaskDetails';
import { AgencyLink } from '../../components/AgencyLink';
import ToneTag from '../../components/ToneTag';
import { formatDateTime, formatNumber } from '../../i18n/format';
import type { ReportTarget } from './ReportFormModal';
import type { ReviewDecision } from './reportsApi';

const STATUS_TONES = { pending: 'info', accepted: 'success', returned: 'error' } as const;

export function ReportStatusTag({ status }: { status: ReportRead['status'] }) {
  const { t } = useTranslation();
  return (
    <ToneTag tone={STATUS_TONES[status]} data-testid="report-status" data-status={status}>
      {t(`tasks.deliverable.reportStatus.${status}`)}
    </ToneTag>
  );
}

export interface ReportTableProps {
  data: Page<ReportRead> | undefined;
  loading: boolean;
  page: number;
  onPage: (page: number) => void;
  /** review: pending reports the caller's agency decides on; own: what the caller's agency filed. */
  mode: 'review' | 'own';
  onReview?: (report: ReportRead, decision: ReviewDecision) => void;
  onRefile?: (target: ReportTarget) => void;
  testId: string;
  emptyText: string;
}

/** Progress reports with the deliverable's indicator (not its code) and, per row, what the caller can do. */
export default function ReportTable({ data, loading, page, onPage, mode, onReview, onRefile, testId, emptyText }: ReportTableProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const reports = data?.items ?? [];
  const details = useTaskDetails(reports.map((report) => report.task));

  const columns: TableColumnsType<ReportRead> = [
    {
      title: t('reports.columns.deliverable'),
      key: 'deliverable',
      width: 280,
      render: (_: unknown, report) => (
        <Flex vertical gap={2}>
          <Link to={`${taskPath(report.task.plan_code, report.task.number)}#${report.deliverable_code}`}>
            {details.deliverable(report.deliverable_code)?.deliverable.indicator ?? t('tasks.numberLabel', { number: report.task.number })}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('tasks.numberLabel', { number: report.task.number })} {report.task.title}
          </Typography.Text>
        </Flex>
      ),
    },
    ...(mode === 'review'
      ? [{ title: t('reports.columns.agency'), key: 'agency', width: 180, render: (_: unknown, report: ReportRead) => <AgencyLink agency={report.agency} /> }]
      : []),
    { title: t('reports.columns.period'), dataIndex: 'period', key: 'period', width: 96 },
    {
      title: t('reports.columns.value'),
      key: 'value',
      align: 'right',
      width: 130,
      render: (_: unknown, report) => `${formatNumber(report.value, language, 2)} ${report.unit}`,
    },
    {
      title: t('reports.columns.status'),
      key: 'status',
      width: 100,
      render: (_: unknown, report) => <ReportStatusTag status={report.status} />,
    },
    {
      title: t('reports.columns.submittedAt'),
      key: 'submitted',
      width: 190,
      responsive: ['md'],
      render: (_: unknown, report) => formatDateTime(report.submitted_at, language),
    },
    {
      title: t('reports.columns.narrative'),
      key: 'narrative',
      width: 260,
      responsive: ['lg'],
      render: (_: unknown, report) => (
        <Flex vertical gap={2}>
          <Typography.Text>{report.narrative}</Typography.Text>
          {report.review_comment && (
            <Typography.Text type="secondary">{t('reports.columns.comment', { comment: report.review_comment })}</Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      render: (_: unknown, report) => {
        if (mode === 'review' && report.status === 'pending') {
          return (
            <Flex gap={8} wrap>
              <Button size="small" type="primary" onClick={() => onReview?.(report, 'accept')} data-testid="report-accept">
                {t('reports.review.accept')}
              </Button>
              <Button size="small" danger onClick={() => onReview?.(report, 'return')} data-testid="report-return">
                {t('reports.review.return')}
              </Button>
            </Flex>
          );
        }
        const found = details.deliverable(report.deliverable_code);
        if (mode === 'own' && report.status === 'returned' && found) {
          return (
            <Button
              size="small"
              onClick={() =>
                onRefile?.({
                  code: found.deliverable.code,
                  indicator: found.deliverable.indicator,
                  unit: found.deliverable.unit,
                  reporting: found.deliverable.reporting,
                  due: found.deliverable.due,
                  planCode: report.task.plan_code,
                  period: report.period,
                  value: report.value,
                  narrative: report.narrative,
                })
              }
              data-testid="report-refile"
            >
              {t('reports.refile')}
            </Button>
          );
        }
        return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
      },
    },
  ];

  return (
    <Table<ReportRead>
      rowKey="id"
      columns={columns}
      dataSource={reports}
      loading={loading}
      size="small"
      tableLayout="fixed"
      scroll={{ x: 900 }}
      data-testid={testId}
      onRow={(report) => ({ 'data-testid': `${testId}-row-${report.id}` }) as HTMLAttributes<HTMLElement>}
      locale={{ emptyText: <Empty description={emptyText} /> }}
      pagination={{
        current: page,
        pageSize: data?.size ?? 10,
        total: data?.total ?? 0,
        hideOnSinglePage: true,
        showSizeChanger: false,
        showTotal: (total) => t('common.pagination.total', { total }),
        onChange: onPage,
      }}
    />
  );
}
