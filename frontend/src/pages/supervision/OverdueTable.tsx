import { Alert, Button, Empty, Flex, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { CSSProperties, HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { OverdueItem, OverduePage } from '../../api/agencies';
import { taskPath } from '../../api/agencies';
import { useTaskDetails } from '../../api/useTaskDetails';
import { AgencyLink } from '../../components/AgencyLink';
import ToneTag from '../../components/ToneTag';
import { formatDate } from '../../i18n/format';
import type { ReportTarget } from '../reports/ReportFormModal';

/**
 * The plans of this answer that have ended: judged at their end date (`final`), their overdue reports can no
 * longer be escalated (the service answers 409 plan_ended). Supervision is always read at its default day.
 */
export function endedPlans(data: OverduePage | undefined): Map<string, string> {
  return new Map((data?.judged ?? []).filter((judged) => judged.final).map((judged) => [judged.plan_code, judged.as_of]));
}

/** The sentence that says why an ended plan's overdue reports have no escalation button. */
export function PlanEndedNotice({ data, style }: { data: OverduePage | undefined; style?: CSSProperties }) {
  const { t, i18n } = useTranslation();
  const ended = [...new Set(endedPlans(data).values())];
  if (ended.length === 0) return null;
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  return (
    <Alert
      type="info"
      showIcon
      style={style}
      data-testid="plan-ended-notice"
      title={ended.map((date) => t('supervision.planEnded', { date: formatDate(date, language) })).join(' ')}
    />
  );
}

export const overdueKey = (item: OverdueItem) => `${item.deliverable_code}/${item.agency.code}/${item.period}`;

export interface OverdueTableProps {
  data: OverduePage | undefined;
  loading: boolean;
  page: number;
  onPage: (page: number) => void;
  /** Show the agency column (an administrator's view over every agency). */
  showAgency: boolean;
  /** Administrators move an item one rung up the ladder. */
  onEscalate?: (item: OverdueItem) => void;
  /** Agency staff file the missing report. */
  onReport?: (target: ReportTarget) => void;
  testId: string;
}

/** Reports that are missing or were filed late, with the escalation reached and what can be done next. */
export default function OverdueTable({ data, loading, page, onPage, showAgency, onEscalate, onReport, testId }: OverdueTableProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const items = data?.items ?? [];
  const ended = endedPlans(data);
  const details = useTaskDetails(items.map((item) => ({ plan_code: item.plan_code, number: item.task_number })));

  const columns: TableColumnsType<OverdueItem> = [
    {
      title: t('agencies.overdue.deliverable'),
      key: 'deliverable',
      width: 260,
      render: (_: unknown, item) => (
        <Flex vertical gap={2}>
          <Link to={`${taskPath(item.plan_code, item.task_number)}#${item.deliverable_code}`}>{item.indicator}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('tasks.numberLabel', { number: item.task_number })}
          </Typography.Text>
        </Flex>
      ),
    },
    ...(showAgency
      ? [{ title: t('agencies.overdue.agency'), key: 'agency', width: 180, render: (_: unknown, item: OverdueItem) => <AgencyLink agency={item.agency} /> }]
      : []),
    { title: t('agencies.overdue.period'), dataIndex: 'period', key: 'period', width: 90 },
    {
      title: t('agencies.overdue.deadline'),
      dataIndex: 'deadline',
      key: 'deadline',
      width: 130,
      responsive: ['md'],
      render: (value: string) => formatDate(value, language),
    },
    {
      title: t('agencies.overdue.state'),
      key: 'state',
      width: 150,
      render: (_: unknown, item) => (
        <Flex vertical gap={2} align="flex-start">
          <ToneTag tone={item.state === 'missing' ? 'error' : 'warning'} data-status={item.state}>
            {t(`agencies.overdue.states.${item.state}`)}
          </ToneTag>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('agencies.overdue.days', { count: item.days_overdue })}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('agencies.overdue.level'),
      key: 'level',
      width: 100,
      render: (_: unknown, item) =>
        item.escalation ? (
          <ToneTag tone={item.escalation.step >= 3 ? 'severe' : 'error'} data-testid="overdue-level" data-status={item.escalation.level}>
            {t(`agencies.overdue.levels.${item.escalation.level}`)}
          </ToneTag>
        ) : (
          <Typography.Text type="secondary" data-testid="overdue-level" data-status="none">
            {t('agencies.overdue.levels.none')}
          </Typography.Text>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      render: (_: unknown, item) => {
        if (onEscalate) {
          if (ended.has(item.plan_code)) {
            return (
              <Typography.Text type="secondary" data-testid="overdue-plan-ended">
                {t('supervision.endedNoEscalation')}
              </Typography.Text>
            );
          }
          return item.next_level ? (
            <Button size="small" onClick={() => onEscalate(item)} data-testid="overdue-escalate">
              {t('supervision.escalateTo', { level: t(`agencies.overdue.levels.${item.next_level}`) })}
            </Button>
          ) : (
            <Typography.Text type="secondary">{t('supervision.topLevel')}</Typography.Text>
          );
        }
        const found = details.deliverable(item.deliverable_code);
        if (onReport && item.state === 'missing' && found && found.deliverable.progress.source === 'reported') {
          return (
            <Button
              size="small"
              type="primary"
              onClick={() =>
                onReport({
                  code: item.deliverable_code,
                  indicator: item.indicator,
                  unit: found.deliverable.unit,
                  reporting: found.deliverable.reporting,
                  due: found.deliverable.due,
                  planCode: item.plan_code,
                  period: item.period,
                })
              }
              data-testid="overdue-report"
            >
              {t('reports.file')}
            </Button>
          );
        }
        return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
      },
    },
  ];

  return (
    <Table<OverdueItem>
      rowKey={overdueKey}
      columns={columns}
      dataSource={items}
      loading={loading}
      size="small"
      tableLayout="fixed"
      scroll={{ x: 860 }}
      data-testid={testId}
      onRow={(item) => ({ 'data-testid': `${testId}-row`, 'data-key': overdueKey(item) }) as HTMLAttributes<HTMLElement>}
      locale={{ emptyText: <Empty description={t('agencies.overdue.empty')} /> }}
      pagination={{
        current: page,
        pageSize: data?.size ?? 10,
        total: data?.total ?? 0,
        showSizeChanger: false,
        hideOnSinglePage: true,
        showTotal: (total) => t('agencies.overdue.total', { total, asOf: formatDate(data?.as_of, language) ?? '' }),
        onChange: onPage,
      }}
    />
  );
}
