import { Button, Empty, Flex, Input, Select, Table, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import type { OwnerRole, TaskListParams, TaskSummary } from '../../api/agencies';
import { taskPath, usePlanQuery, usePlansQuery, useTasksQuery } from '../../api/agencies';
import { AgencyLinks } from '../../components/AgencyLink';
import AgencySelect from '../../components/AgencySelect';
import ErrorAlert from '../../components/ErrorAlert';
import StatusProgress from '../../components/StatusProgress';

const PAGE_SIZE = 20;
const ROLES: readonly OwnerRole[] = ['lead', 'responsible'];

function positiveInt(value: string | null): number | undefined {
  if (!value || !/^\d+$/.test(value)) return undefined;
  const number = Number(value);
  return number > 0 ? number : undefined;
}

/** The list's filters live in the URL, so a filtered list can be bookmarked and shared. */
function useTaskFilters() {
  const [search, setSearch] = useSearchParams();
  const role = search.get('role');
  const filters = {
    plan: search.get('plan') ?? undefined,
    q: search.get('q') ?? undefined,
    section: positiveInt(search.get('section')),
    agency: search.get('agency') ?? undefined,
    role: role === 'lead' || role === 'responsible' ? role : undefined,
    page: positiveInt(search.get('page')) ?? 1,
  } satisfies Omit<TaskListParams, 'size'>;

  const update = (changes: Partial<Record<keyof typeof filters, string | number | undefined>>) => {
    const next = new URLSearchParams(search);
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined || value === '') next.delete(name);
      else next.set(name, String(value));
    }
    // Any change of filter starts from the first page.
    if (!('page' in changes)) next.delete('page');
    // A role only means something for a chosen agency (the service refuses it otherwise).
    if (!next.get('agency')) next.delete('role');
    setSearch(next, { replace: true });
  };
  return { filters, update, clear: () => setSearch(new URLSearchParams(), { replace: true }) };
}

export default function TasksPage() {
  const { t } = useTranslation();
  const { filters, update, clear } = useTaskFilters();
  const plans = usePlansQuery();
  const planCode = filters.plan ?? plans.data?.[0]?.code;
  const plan = usePlanQuery(planCode);
  const [text, setText] = useState(filters.q ?? '');
  useEffect(() => setText(filters.q ?? ''), [filters.q]);

  const params: TaskListParams = { ...filters, plan: planCode, size: PAGE_SIZE };
  // Wait for the plan list so the first request already names the plan.
  const tasks = useTasksQuery(params, plans.isSuccess || plans.isError);
  const filtered = Boolean(filters.q || filters.section || filters.agency);

  const columns: TableColumnsType<TaskSummary> = [
    {
      title: t('tasks.table.number'),
      dataIndex: 'number',
      key: 'number',
      width: 72,
      align: 'center',
    },
    {
      title: t('tasks.table.title'),
      dataIndex: 'title',
      key: 'title',
      render: (title: string, task) => (
        <Link to={taskPath(task.plan_code, task.number)} data-testid="task-link">
          {title}
        </Link>
      ),
    },
    {
      title: t('tasks.table.lead'),
      dataIndex: 'lead',
      key: 'lead',
      render: (_: unknown, task) => <AgencyLinks agencies={task.lead} />,
    },
    {
      title: t('tasks.table.responsible'),
      dataIndex: 'responsible',
      key: 'responsible',
      render: (_: unknown, task) => <AgencyLinks agencies={task.responsible} limit={4} />,
    },
    {
      title: t('tasks.table.deliverables'),
      dataIndex: 'deliverable_count',
      key: 'deliverables',
      align: 'center',
      width: 96,
    },
    {
      title: t('tasks.table.progress'),
      dataIndex: 'progress_percent',
      key: 'progress',
      width: 160,
      render: (percent: number | null) =>
        percent === null ? (
          <Typography.Text type="secondary">{t('tasks.notAvailable')}</Typography.Text>
        ) : (
          <StatusProgress percent={percent} size="small" testId="task-progress" />
        ),
    },
  ];

  const sections = plan.data?.sections ?? [];

  return (
    <Flex vertical gap={16} data-testid="tasks-page">
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('tasks.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{plan.data?.title ?? t('tasks.description')}</Typography.Text>
      </div>

      <Input.Search
        value={text}
        onChange={(event) => setText(event.target.value)}
        onSearch={(value) => update({ q: value.trim() || undefined })}
        placeholder={t('tasks.search.placeholder')}
        aria-label={t('tasks.search.label')}
        enterButton={t('tasks.search.button')}
        allowClear
        maxLength={100}
        size="large"
        data-testid="task-search"
      />

      <Flex wrap gap={12} align="center">
        {(plans.data?.length ?? 0) > 1 && (
          <Select<string>
            value={planCode}
            onChange={(code) => update({ plan: code, section: undefined })}
            aria-label={t('tasks.filters.plan')}
            style={{ minWidth: 280 }}
            data-testid="plan-filter"
            options={plans.data!.map((item) => ({ value: item.code, label: item.title }))}
          />
        )}
        <Select<number>
          value={filters.section}
          onChange={(section) => update({ section })}
          allowClear
          placeholder={t('tasks.filters.allSections')}
          aria-label={t('tasks.filters.section')}
          loading={plan.isLoading}
          style={{ minWidth: 200 }}
          data-testid="section-filter"
          options={sections.map((section) => ({ value: section.number, label: `${section.numeral}、${section.title}` }))}
        />
        <AgencySelect
          value={filters.agency}
          onChange={(agency) => update({ agency })}
          allowClear
          placeholder={t('tasks.filters.allAgencies')}
          aria-label={t('tasks.filters.agency')}
          style={{ minWidth: 260 }}
          data-testid="agency-filter"
        />
        <Tooltip title={filters.agency ? undefined : t('tasks.filters.roleNeedsAgency')}>
          <Select<OwnerRole>
            value={filters.role}
            onChange={(role) => update({ role })}
            allowClear
            disabled={!filters.agency}
            placeholder={t('tasks.filters.anyRole')}
            aria-label={t('tasks.filters.role')}
            style={{ minWidth: 160 }}
            data-testid="role-filter"
            options={ROLES.map((role) => ({ value: role, label: t(`tasks.roles.${role}`) }))}
          />
        </Tooltip>
        {filtered && (
          <Button onClick={clear} data-testid="clear-filters">
            {t('tasks.filters.reset')}
          </Button>
        )}
      </Flex>

      {tasks.isError && <ErrorAlert error={tasks.error} title={t('tasks.loadError')} onRetry={() => void tasks.refetch()} />}

      <Table<TaskSummary>
        rowKey={(task) => `${task.plan_code}/${task.number}`}
        columns={columns}
        dataSource={tasks.data?.items ?? []}
        loading={tasks.isFetching || plans.isLoading}
        size="middle"
        scroll={{ x: 'max-content' }}
        aria-label={t('tasks.table.caption')}
        onRow={(task) => ({ 'data-testid': `task-row-${task.number}` }) as HTMLAttributes<HTMLElement>}
        locale={{ emptyText: tasks.isSuccess ? <Empty description={t('tasks.table.empty')} /> : <div style={{ height: 120 }} /> }}
        pagination={{
          current: filters.page,
          pageSize: PAGE_SIZE,
          total: tasks.data?.total ?? 0,
          showSizeChanger: false,
          hideOnSinglePage: true,
          showTotal: (total) => t('common.pagination.total', { total }),
          onChange: (page) => update({ page }),
        }}
      />
    </Flex>
  );
}
