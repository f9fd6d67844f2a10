import { Flex, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';

import type { StatusColour } from '../../api/agencies';
import { agencyName, taskPath, usePlanQuery, useOverdueQuery } from '../../api/agencies';
import { isAdmin } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import ChartCard from '../../components/charts/ChartCard';
import type { ChartOption } from '../../components/charts/EChart';
import ErrorAlert from '../../components/ErrorAlert';
import JudgedAt from '../../components/JudgedAt';
import { STATUS_STROKE } from '../../components/StatusProgress';
import { formatNumber } from '../../i18n/format';
import { STATUS_COLOURS, usePlanDeliverables } from '../deliverables/planDeliverables';
import { sectionLabel } from '../tasks/sectionLabel';

const BAR = '#0958d9';
const LAGGING_SHOWN = 10;
const AGENCIES_SHOWN = 10;

const shorten = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);
const mean = (values: number[]) => (values.length ? Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 10) / 10 : 0);

function barOption(labels: string[], values: number[], { horizontal = false, max, colours }: { horizontal?: boolean; max?: number; colours?: string[] } = {}): ChartOption {
  const category = { type: 'category' as const, data: labels, axisLabel: { color: '#262626', interval: 0 }, inverse: horizontal };
  const value = { type: 'value' as const, max, axisLabel: { color: '#262626' } };
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? category : value,
    series: [
      {
        type: 'bar',
        data: values.map((item, index) => ({ value: item, itemStyle: { color: colours?.[index] ?? BAR } })),
        barMaxWidth: 28,
      },
    ],
  };
}

/**
 * The plan at a glance: overall progress, progress by section and by task, how many deliverables are on
 * track, the furthest behind, and (for administrators) the overdue load per agency. Every chart opens the
 * list it summarises.
 */
export default function Dashboard() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const navigate = useNavigate();
  const { user } = useAuth();
  const data = usePlanDeliverables();
  const plan = usePlanQuery(data.planCode);
  const overdue = useOverdueQuery({ page: 1, size: 1 }, isAdmin(user));
  const percent = (value: number) => `${formatNumber(value, language, 1)}%`;

  const sections = useMemo(() => {
    return (plan.data?.sections ?? []).map((section) => {
      const percents = data.tasks.filter((task) => task.section === section.number && task.progress_percent !== null).map((task) => task.progress_percent!);
      return { section, value: mean(percents), count: percents.length };
    }).filter(({ count }) => count > 0);
  }, [plan.data, data.tasks]);

  const statusCounts = useMemo(() => {
    const counts: Record<StatusColour, number> = { green: 0, amber: 0, red: 0 };
    for (const row of data.rows) counts[row.deliverable.progress.status] += 1;
    return counts;
  }, [data.rows]);

  const lagging = useMemo(() => [...data.rows].filter((row) => row.lag > 0).sort((a, b) => b.lag - a.lag).slice(0, LAGGING_SHOWN), [data.rows]);
  const tasksWithProgress = data.tasks.filter((task) => task.progress_percent !== null);
  const agencyLoad = (overdue.data?.by_agency ?? [])
    .map((row) => ({ ...row, total: row.missing + row.late }))
    .sort((a, b) => b.total - a.total)
    .slice(0, AGENCIES_SHOWN);
  const judged = data.rows[0]?.deliverable.progress;

  if (data.isError) {
    return <ErrorAlert error={data.error} title={t('home.dashboard.loadError')} onRetry={data.refetch} />;
  }

  const statusLabel = (status: StatusColour) => t(`tasks.deliverable.status.${status}`);

  return (
    <Flex vertical gap={16} data-testid="dashboard" data-status={data.isComplete ? 'ready' : 'loading'}>
      <Flex justify="space-between" align="baseline" wrap gap={8}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('home.dashboard.title')}
        </Typography.Title>
        <JudgedAt asOf={judged?.as_of} final={judged?.final} testId="dashboard-as-of" />
      </Flex>

      <div className="tpp-figures">
        <div className="tpp-figure" data-testid="dashboard-overall">
          <span className="tpp-figure-label">{t('home.dashboard.overall')}</span>
          <span className="tpp-figure-value">{plan.data?.progress_percent != null ? percent(plan.data.progress_percent) : t('common.none')}</span>
        </div>
        {STATUS_COLOURS.map((status) => (
          <Link key={status} to={`/deliverables?status=${status}`} className="tpp-figure" data-testid={`dashboard-count-${status}`}>
            <span className="tpp-figure-label">{statusLabel(status)}</span>
            <span className="tpp-figure-value" style={{ color: STATUS_STROKE[status] }}>
              {data.isLoading ? t('common.none') : statusCounts[status]}
            </span>
          </Link>
        ))}
      </div>

      <div className="tpp-grid">
        <ChartCard
            testId="chart-sections"
            title={t('home.dashboard.bySection')}
            summary={sections.map(({ section, value }) => `${sectionLabel(section, t)} ${percent(value)}`).join(t('common.listSeparator'))}
            height={240}
            option={barOption(sections.map(({ section }) => shorten(section.title, 10)), sections.map(({ value }) => value), { horizontal: true, max: 100 })}
            onClick={({ dataIndex }) => sections[dataIndex] && navigate(`/tasks?section=${sections[dataIndex].section.number}`)}
            table={{
              headers: [t('tasks.filters.section'), t('home.dashboard.meanProgress'), t('home.dashboard.tasks')],
              rows: sections.map(({ section, value, count }) => ({
                key: String(section.number),
                cells: [<Link to={`/tasks?section=${section.number}`}>{sectionLabel(section, t)}</Link>, percent(value), count],
              })),
            }}
          />
        <ChartCard
            testId="chart-status"
            title={t('home.dashboard.byStatus')}
            summary={STATUS_COLOURS.map((status) => `${statusLabel(status)} ${statusCounts[status]}`).join(t('common.listSeparator'))}
            height={240}
            option={{
              tooltip: { trigger: 'item' },
              legend: { bottom: 0, textStyle: { color: '#262626' } },
              series: [
                {
                  type: 'pie',
                  radius: ['45%', '70%'],
                  center: ['50%', '45%'],
                  label: { formatter: '{c}', color: '#262626' },
                  data: STATUS_COLOURS.map((status) => ({ name: statusLabel(status), value: statusCounts[status], itemStyle: { color: STATUS_STROKE[status] } })),
                },
              ],
            }}
            onClick={({ dataIndex }) => STATUS_COLOURS[dataIndex] && navigate(`/deliverables?status=${STATUS_COLOURS[dataIndex]}`)}
            table={{
              headers: [t('deliverables.columns.status'), t('home.dashboard.deliverables')],
              rows: STATUS_COLOURS.map((status) => ({
                key: status,
                cells: [<Link to={`/deliverables?status=${status}`}>{statusLabel(status)}</Link>, statusCounts[status]],
              })),
            }}
          />
        <div className="tpp-grid-wide">
          <ChartCard
            testId="chart-tasks"
            title={t('home.dashboard.byTask')}
            summary={t('home.dashboard.byTaskSummary', { count: tasksWithProgress.length })}
            height={260}
            option={{
              ...barOption(tasksWithProgress.map((task) => String(task.number)), tasksWithProgress.map((task) => task.progress_percent!), { max: 100 }),
              tooltip: {
                trigger: 'item',
                formatter: (params: unknown) => {
                  const { dataIndex } = params as { dataIndex: number };
                  const task = tasksWithProgress[dataIndex];
                  return task ? `${t('tasks.numberLabel', { number: task.number })} ${task.title}<br/>${percent(task.progress_percent!)}` : '';
                },
              },
            }}
            onClick={({ dataIndex }) => {
              const task = tasksWithProgress[dataIndex];
              if (task) void navigate(taskPath(task.plan_code, task.number));
            }}
            table={{
              headers: [t('tasks.table.title'), t('tasks.table.progress')],
              rows: tasksWithProgress.map((task) => ({
                key: String(task.number),
                cells: [<Link to={taskPath(task.plan_code, task.number)}>{`${task.number}. ${task.title}`}</Link>, percent(task.progress_percent!)],
              })),
            }}
          />
        </div>
        <div className={isAdmin(user) ? undefined : 'tpp-grid-wide'}>
          <ChartCard
            testId="chart-lagging"
            title={t('home.dashboard.lagging')}
            summary={t('home.dashboard.laggingSummary', { count: lagging.length })}
            height={Math.max(200, lagging.length * 30 + 40)}
            option={barOption(
              lagging.map((row) => shorten(row.deliverable.indicator, 12)),
              lagging.map((row) => row.lag),
              { horizontal: true, colours: lagging.map((row) => STATUS_STROKE[row.deliverable.progress.status]) },
            )}
            onClick={({ dataIndex }) => {
              const row = lagging[dataIndex];
              if (row) void navigate(`${taskPath(row.task.plan.code, row.task.number)}#${row.deliverable.code}`);
            }}
            extra={<Link to="/deliverables">{t('home.dashboard.allDeliverables')}</Link>}
            table={{
              headers: [t('deliverables.columns.deliverable'), t('deliverables.columns.lag'), t('deliverables.columns.progress')],
              rows: lagging.map((row) => ({
                key: row.deliverable.code,
                cells: [
                  <Link to={`${taskPath(row.task.plan.code, row.task.number)}#${row.deliverable.code}`}>{row.deliverable.indicator}</Link>,
                  t('deliverables.lagPoints', { points: formatNumber(row.lag, language, 1) }),
                  percent(row.deliverable.progress.percent),
                ],
              })),
            }}
          />
        </div>
        {isAdmin(user) && (
            <ChartCard
              testId="chart-overdue"
              title={t('home.dashboard.overdueByAgency')}
              summary={t('home.dashboard.overdueSummary', { count: agencyLoad.length })}
              height={Math.max(200, agencyLoad.length * 30 + 60)}
              option={{
                grid: { left: 8, right: 16, top: 8, bottom: 32, containLabel: true },
                tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
                legend: { bottom: 0, textStyle: { color: '#262626' } },
                xAxis: { type: 'value', axisLabel: { color: '#262626' } },
                yAxis: { type: 'category', inverse: true, data: agencyLoad.map((row) => shorten(agencyName(row.agency, language), 14)), axisLabel: { color: '#262626' } },
                series: [
                  { type: 'bar', stack: 'overdue', name: t('agencies.overdue.states.missing'), data: agencyLoad.map((row) => row.missing), itemStyle: { color: STATUS_STROKE.red } },
                  { type: 'bar', stack: 'overdue', name: t('agencies.overdue.states.late'), data: agencyLoad.map((row) => row.late), itemStyle: { color: STATUS_STROKE.amber } },
                ],
              }}
              onClick={({ dataIndex }) => agencyLoad[dataIndex] && navigate(`/supervision?agency=${agencyLoad[dataIndex].agency.code}`)}
              extra={<Link to="/supervision">{t('supervision.title')}</Link>}
              table={{
                headers: [t('agencies.overdue.agency'), t('agencies.overdue.states.missing'), t('agencies.overdue.states.late')],
                rows: agencyLoad.map((row) => ({
                  key: row.agency.code,
                  cells: [<Link to={`/supervision?agency=${row.agency.code}`}>{agencyName(row.agency, language)}</Link>, row.missing, row.late],
                })),
              }}
            />
        )}
      </div>
    </Flex>
  );
}
