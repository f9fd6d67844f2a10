import { Empty, Flex, Input, Segmented, Select, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import type { StatusColour } from '../../api/agencies';
import { taskPath, usePlanQuery } from '../../api/agencies';
import ErrorAlert from '../../components/ErrorAlert';
import StatusProgress from '../../components/StatusProgress';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatNumber } from '../../i18n/format';
import { sectionLabel } from '../tasks/sectionLabel';
import { useTargetText } from '../tasks/targetText';
import type { DeliverableRow } from './planDeliverables';
import { STATUS_COLOURS, usePlanDeliverables } from './planDeliverables';

export const STATUS_TONES = { green: 'success', amber: 'warning', red: 'error' } as const;

function isStatus(value: string | null): value is StatusColour {
  return value !== null && (STATUS_COLOURS as readonly string[]).includes(value);
}

/** 目标任务: every quantified target of the plan with its progress, filterable by status and section. */
export default function DeliverablesPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const targetText = useTargetText();
  const [search, setSearch] = useSearchParams();
  const statusParam = search.get('status');
  const status = isStatus(statusParam) ? statusParam : undefined;
  const section = Number(search.get('section')) || undefined;
  const text = search.get('q') ?? '';
  const data = usePlanDeliverables(search.get('plan') ?? undefined);
  const plan = usePlanQuery(data.planCode);
  usePageTitle(t('deliverables.title'));

  const setParam = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next, { replace: true });
  };

  const needle = text.trim().toLowerCase();
  const rows = data.rows
    .filter((row) => !status || row.deliverable.progress.status === status)
    .filter((row) => !section || row.task.section.number === section)
    .filter((row) => !needle || row.deliverable.indicator.toLowerCase().includes(needle) || row.task.title.toLowerCase().includes(needle))
    .sort((a, b) => b.lag - a.lag || a.task.number - b.task.number);

  const columns: TableColumnsType<DeliverableRow> = [
    {
      title: t('deliverables.columns.deliverable'),
      key: 'deliverable',
      width: 280,
      render: (_: unknown, row) => (
        <Flex vertical gap={2}>
          <Link to={`${taskPath(row.task.plan.code, row.task.number)}#${row.deliverable.code}`} data-testid="deliverable-link">
            {row.deliverable.indicator}
          </Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('tasks.numberLabel', { number: row.task.number })} {row.task.title}
          </Typography.Text>
        </Flex>
      ),
    },
    { title: t('deliverables.columns.target'), key: 'target', width: 150, responsive: ['md'], render: (_: unknown, row) => targetText(row.deliverable) },
    {
      title: t('deliverables.columns.current'),
      key: 'current',
      width: 140,
      align: 'right',
      responsive: ['sm'],
      render: (_: unknown, row) => `${formatNumber(row.deliverable.progress.value, language, 2)} ${row.deliverable.unit}`,
    },
    {
      title: t('deliverables.columns.progress'),
      key: 'progress',
      width: 170,
      render: (_: unknown, row) => (
        <StatusProgress percent={row.deliverable.progress.percent} status={row.deliverable.progress.status} size="small" label={row.deliverable.indicator} testId="deliverable-row-progress" />
      ),
    },
    {
      title: t('deliverables.columns.status'),
      key: 'status',
      width: 110,
      render: (_: unknown, row) => (
        <ToneTag tone={STATUS_TONES[row.deliverable.progress.status]} data-status={row.deliverable.progress.status}>
          {t(`tasks.deliverable.status.${row.deliverable.progress.status}`)}
        </ToneTag>
      ),
    },
    {
      title: t('deliverables.columns.lag'),
      key: 'lag',
      width: 120,
      align: 'right',
      responsive: ['lg'],
      render: (_: unknown, row) => (row.lag > 0 ? t('deliverables.lagPoints', { points: formatNumber(row.lag, language, 1) }) : t('common.none')),
    },
  ];

  return (
    <Flex vertical gap={16} data-testid="deliverables-page" data-status={data.isComplete ? 'ready' : data.isError ? 'error' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('deliverables.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('deliverables.description')}</Typography.Text>
      </div>
      <Flex wrap gap={12} align="center" className="tpp-filters">
        <Input.Search
          defaultValue={text}
          onSearch={(value) => setParam('q', value.trim() || undefined)}
          placeholder={t('deliverables.search')}
          aria-label={t('deliverables.search')}
          allowClear
          style={{ width: 300 }}
          data-testid="deliverables-search"
        />
        <Select<number>
          value={section}
          onChange={(value) => setParam('section', value ? String(value) : undefined)}
          allowClear
          placeholder={t('tasks.filters.allSections')}
          aria-label={t('tasks.filters.section')}
          style={{ width: 260 }}
          options={(plan.data?.sections ?? []).map((item) => ({ value: item.number, label: sectionLabel(item, t) }))}
          data-testid="deliverables-section"
        />
        <Segmented<StatusColour | 'all'>
          value={status ?? 'all'}
          onChange={(value) => setParam('status', value === 'all' ? undefined : value)}
          aria-label={t('deliverables.columns.status')}
          options={[
            { value: 'all', label: t('reports.allStatuses') },
            ...STATUS_COLOURS.map((value) => ({ value, label: t(`tasks.deliverable.status.${value}`) })),
          ]}
          data-testid="deliverables-status"
        />
      </Flex>
      {data.isError && <ErrorAlert error={data.error} title={t('deliverables.loadError')} onRetry={data.refetch} />}
      <Table<DeliverableRow>
        rowKey={(row) => row.deliverable.code}
        columns={columns}
        dataSource={rows}
        loading={data.isLoading}
        size="middle"
        tableLayout="fixed"
        scroll={{ x: 880 }}
        onRow={(row) => ({ 'data-testid': `deliverable-row-${row.deliverable.code}` }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: data.isLoading ? <div style={{ height: 120 }} /> : <Empty description={t('deliverables.empty')} /> }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false, showTotal: (total) => t('common.pagination.total', { total }) }}
        data-testid="deliverables-table"
      />
    </Flex>
  );
}
