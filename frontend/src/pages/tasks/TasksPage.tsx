import { Button, Empty, Typography } from 'antd';
import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import type { AgencyKind, OwnerRole } from '../../api/agencies';
import { AGENCY_KINDS, agencyName, taskPath, useAgenciesQuery, usePlanQuery, usePlansQuery, useTasksQuery } from '../../api/agencies';
import { AgencyLinks } from '../../components/AgencyLink';
import ErrorAlert from '../../components/ErrorAlert';
import Pager from '../../components/Pager';
import StatusProgress from '../../components/StatusProgress';
import { usePageTitle } from '../../components/usePageTitle';
import { sectionLabel } from './sectionLabel';
import type { TaskFilters } from './taskFilters';
import { readTaskFilters, taskListParams, TASKS_PAGE_SIZE } from './taskFilters';
import './TasksPage.css';

const ROLES: readonly OwnerRole[] = ['lead', 'responsible'];

/** The list's filters live in the URL, so a filtered list can be bookmarked and shared. */
function useTaskFilters() {
  const [search, setSearch] = useSearchParams();
  const filters = readTaskFilters(search);

  const update = (changes: Partial<Record<keyof TaskFilters, string | number | undefined>>) => {
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

/** Agencies grouped by kind (party departments, government departments, cities, …), as a native select. */
function AgencyFilter({ value, onChange }: { value: string | undefined; onChange: (code: string | undefined) => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const agencies = useAgenciesQuery();
  const byKind = (kind: AgencyKind) => (agencies.data ?? []).filter((agency) => agency.kind === kind);
  return (
    <select
      className="tpp-control"
      value={value ?? ''}
      onChange={(event) => onChange(event.target.value || undefined)}
      aria-label={t('tasks.filters.agency')}
      data-testid="agency-filter"
    >
      <option value="">{t('tasks.filters.allAgencies')}</option>
      {AGENCY_KINDS.map((kind) =>
        byKind(kind).length === 0 ? null : (
          <optgroup key={kind} label={t(`agencies.kinds.${kind}`)}>
            {byKind(kind).map((agency) => (
              <option key={agency.code} value={agency.code}>
                {agencyName(agency, language)}
              </option>
            ))}
          </optgroup>
        ),
      )}
      {value && agencies.isSuccess && !agencies.data.some((agency) => agency.code === value) && <option value={value}>{value}</option>}
    </select>
  );
}

/**
 * 任务清单: the plan's tasks with their owners and progress. A plain table and native controls keep the
 * page light: it is the one most visitors open first.
 */
export default function TasksPage() {
  const { t, i18n } = useTranslation();
  const english = (i18n.resolvedLanguage ?? 'zh-CN').startsWith('en');
  const { filters, update, clear } = useTaskFilters();
  const plans = usePlansQuery();
  const onlyPlan = plans.data?.length === 1 ? plans.data[0] : undefined;
  // Sections are numbered within a plan: they come from the chosen plan, or the only one there is.
  const sectionsPlan = filters.plan ?? onlyPlan?.code;
  const plan = usePlanQuery(sectionsPlan);
  const [text, setText] = useState(filters.q ?? '');
  useEffect(() => setText(filters.q ?? ''), [filters.q]);

  // Asked for at once, alongside the plan list (see readTaskFilters).
  const tasks = useTasksQuery(taskListParams(filters));
  const filtered = Boolean(filters.q || filters.section || filters.agency);
  const shownPlan = plans.data?.find((item) => item.code === sectionsPlan);
  const planTitle = shownPlan ? (english && shownPlan.title_en ? shownPlan.title_en : shownPlan.title) : undefined;
  usePageTitle(t('tasks.title'));

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    update({ q: text.trim() || undefined });
  };

  const items = tasks.data?.items ?? [];
  return (
    <div className="tpp-stack" data-testid="tasks-page">
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('tasks.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{planTitle ?? t('tasks.description')}</Typography.Text>
      </div>

      <form role="search" className="tpp-search" onSubmit={onSearch} data-testid="task-search">
        <input
          type="search"
          className="tpp-control"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder={t('tasks.search.placeholder')}
          aria-label={t('tasks.search.label')}
          maxLength={100}
        />
        <Button type="primary" htmlType="submit" size="large">
          {t('tasks.search.button')}
        </Button>
      </form>

      <div className="tpp-filters tpp-filter-row">
        {(plans.data?.length ?? 0) > 1 && (
          <select
            className="tpp-control"
            value={filters.plan ?? ''}
            onChange={(event) => update({ plan: event.target.value || undefined, section: undefined })}
            aria-label={t('tasks.filters.plan')}
            data-testid="plan-filter"
          >
            <option value="">{t('tasks.filters.allPlans')}</option>
            {plans.data!.map((item) => (
              <option key={item.code} value={item.code}>
                {english && item.title_en ? item.title_en : item.title}
              </option>
            ))}
          </select>
        )}
        <select
          className="tpp-control"
          value={filters.section ?? ''}
          disabled={!sectionsPlan}
          onChange={(event) => {
            const section = Number(event.target.value) || undefined;
            update({ section, plan: section === undefined ? filters.plan : sectionsPlan });
          }}
          aria-label={t('tasks.filters.section')}
          data-testid="section-filter"
        >
          <option value="">{t('tasks.filters.allSections')}</option>
          {(plan.data?.sections ?? []).map((section) => (
            <option key={section.number} value={section.number}>
              {sectionLabel(section, t)}
            </option>
          ))}
        </select>
        <AgencyFilter value={filters.agency} onChange={(agency) => update({ agency })} />
        <select
          className="tpp-control"
          value={filters.role ?? ''}
          disabled={!filters.agency}
          title={filters.agency ? undefined : t('tasks.filters.roleNeedsAgency')}
          onChange={(event) => update({ role: event.target.value || undefined })}
          aria-label={t('tasks.filters.role')}
          data-testid="role-filter"
        >
          <option value="">{t('tasks.filters.anyRole')}</option>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`tasks.roles.${role}`)}
            </option>
          ))}
        </select>
        {filtered && (
          <Button onClick={clear} size="large" data-testid="clear-filters">
            {t('tasks.filters.reset')}
          </Button>
        )}
      </div>

      {tasks.isError && <ErrorAlert error={tasks.error} title={t('tasks.loadError')} onRetry={() => void tasks.refetch()} />}

      <div className="tpp-table-scroll" aria-busy={tasks.isFetching}>
        <table className={english ? 'tpp-table tpp-tasks-table tpp-tasks-table-en' : 'tpp-table tpp-tasks-table'}>
          <caption className="tpp-visually-hidden">{t('tasks.table.caption')}</caption>
          <thead>
            <tr>
              <th scope="col" className="tpp-col-number tpp-col-center">
                {t('tasks.table.number')}
              </th>
              <th scope="col" className="tpp-col-title">
                {t('tasks.table.title')}
              </th>
              <th scope="col" className="tpp-col-lead tpp-hide-below-sm">
                {t('tasks.table.lead')}
              </th>
              <th scope="col" className="tpp-col-responsible tpp-hide-below-lg">
                {t('tasks.table.responsible')}
              </th>
              <th scope="col" className="tpp-col-count tpp-col-center tpp-hide-below-md">
                {t('tasks.table.deliverables')}
              </th>
              <th scope="col" className="tpp-col-progress">
                {t('tasks.table.progress')}
              </th>
            </tr>
          </thead>
          <tbody style={{ opacity: tasks.isPlaceholderData ? 0.5 : 1 }}>
            {items.map((task) => (
              <tr key={`${task.plan_code}/${task.number}`} data-testid={`task-row-${task.number}`}>
                <td className="tpp-col-center">{task.number}</td>
                <th scope="row" className="tpp-task-title">
                  <Link to={taskPath(task.plan_code, task.number)} data-testid="task-link">
                    {task.title}
                  </Link>
                </th>
                <td className="tpp-hide-below-sm">
                  <AgencyLinks agencies={task.lead} />
                </td>
                <td className="tpp-hide-below-lg">
                  <AgencyLinks agencies={task.responsible} limit={4} />
                </td>
                <td className="tpp-col-center tpp-hide-below-md">{task.deliverable_count}</td>
                <td>
                  {task.progress_percent === null ? (
                    <span className="tpp-secondary">{t('tasks.notAvailable')}</span>
                  ) : (
                    <StatusProgress percent={task.progress_percent} size="small" testId="task-progress" label={task.title} />
                  )}
                </td>
              </tr>
            ))}
            {items.length === 0 && (
              <tr>
                <td colSpan={6} data-testid="tasks-empty">
                  {tasks.isSuccess ? <Empty description={t('tasks.table.empty')} /> : <div className="tpp-table-loading">{t('common.loading')}</div>}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager page={filters.page} size={TASKS_PAGE_SIZE} total={tasks.data?.total ?? 0} onChange={(page) => update({ page })} testId="tasks-pager" />
    </div>
  );
}
