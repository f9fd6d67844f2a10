import { Button, Card, Flex, Segmented, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import type { OverdueItem, OverduePage } from '../../api/agencies';
import { useOverdueQuery } from '../../api/agencies';
import { isAdmin } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import { AgencyLink } from '../../components/AgencyLink';
import AgencyName from '../../components/AgencyName';
import AgencySelect from '../../components/AgencySelect';
import ErrorAlert from '../../components/ErrorAlert';
import JudgedAt from '../../components/JudgedAt';
import { usePageTitle } from '../../components/usePageTitle';
import type { ReportTarget } from '../reports/ReportFormModal';
import ReportFormModal from '../reports/ReportFormModal';
import EscalateModal from './EscalateModal';
import OverdueTable, { PlanEndedNotice } from './OverdueTable';
import withFeedback from '../../components/withFeedback';

const PAGE_SIZE = 10;
const STATES = ['all', 'missing', 'late'] as const;
type StateFilter = (typeof STATES)[number];
type AgencyLoad = OverduePage['by_agency'][number];

/** Overdue load per agency, heaviest first; choosing an agency filters the list below. */
function AgencyLoadTable({ rows, onPick }: { rows: AgencyLoad[]; onPick: (code: string) => void }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<AgencyLoad> = [
    { title: t('agencies.overdue.agency'), key: 'agency', render: (_: unknown, row) => <AgencyLink agency={row.agency} /> },
    { title: t('agencies.overdue.states.missing'), dataIndex: 'missing', key: 'missing', align: 'right', width: 110, sorter: (a, b) => a.missing - b.missing, defaultSortOrder: 'descend' },
    { title: t('agencies.overdue.states.late'), dataIndex: 'late', key: 'late', align: 'right', width: 110, sorter: (a, b) => a.late - b.late },
    {
      title: t('common.actions'),
      key: 'pick',
      width: 120,
      render: (_: unknown, row) => (
        <Button size="small" type="link" onClick={() => onPick(row.agency.code)}>
          {t('supervision.showItems')}
        </Button>
      ),
    },
  ];
  return (
    <Table<AgencyLoad>
      rowKey={(row) => row.agency.code}
      columns={columns}
      dataSource={rows}
      size="small"
      pagination={{ pageSize: 8, hideOnSinglePage: true, showSizeChanger: false }}
      data-testid="overdue-by-agency"
    />
  );
}

/**
 * 督查督办: reports that are missing or late. Administrators see every agency and escalate; agency staff
 * see their own agency's and file what is missing.
 */
function SupervisionPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const admin = isAdmin(user);
  const [search, setSearch] = useSearchParams();
  const agency = admin ? (search.get('agency') ?? undefined) : (user?.agency_code ?? undefined);
  const stateParam = search.get('state');
  const state: StateFilter = stateParam === 'missing' || stateParam === 'late' ? stateParam : 'all';
  const [page, setPage] = useState(1);
  const [escalating, setEscalating] = useState<OverdueItem | null>(null);
  const [filing, setFiling] = useState<ReportTarget | null>(null);
  usePageTitle(t('supervision.title'));

  const setParam = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next, { replace: true });
    setPage(1);
  };

  const overdue = useOverdueQuery({ agency, state: state === 'all' ? undefined : state, page, size: PAGE_SIZE });
  const load = useOverdueQuery({ page: 1, size: 1 }, admin);

  return (
    <Flex vertical gap={16} data-testid="supervision-page">
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('supervision.title')}
        </Typography.Title>
        <Flex vertical gap={2}>
          <Typography.Text type="secondary">{admin ? t('supervision.descriptionAdmin') : t('supervision.descriptionAgency')}</Typography.Text>
          <JudgedAt asOf={overdue.data?.as_of ?? undefined} final={overdue.data?.final} testId="supervision-as-of" />
        </Flex>
      </div>
      {admin && <PlanEndedNotice data={overdue.data} />}

      {admin && (
        <Card size="small" title={t('supervision.byAgency')}>
          {load.isError ? (
            <ErrorAlert error={load.error} title={t('agencies.overdue.loadError')} onRetry={() => void load.refetch()} />
          ) : (
            <AgencyLoadTable rows={load.data?.by_agency ?? []} onPick={(code) => setParam('agency', code)} />
          )}
        </Card>
      )}

      <Flex wrap gap={12} align="center" className="tpp-filters">
        {admin ? (
          <AgencySelect
            value={agency}
            onChange={(code) => setParam('agency', code)}
            allowClear
            placeholder={t('tasks.filters.allAgencies')}
            aria-label={t('tasks.filters.agency')}
            style={{ width: 280 }}
            data-testid="supervision-agency"
          />
        ) : (
          agency && (
            <Typography.Text strong>
              <AgencyName code={agency} />
            </Typography.Text>
          )
        )}
        <Segmented<StateFilter>
          value={state}
          onChange={(value) => setParam('state', value === 'all' ? undefined : value)}
          aria-label={t('agencies.overdue.state')}
          options={STATES.map((value) => ({ value, label: value === 'all' ? t('reports.allStatuses') : t(`agencies.overdue.states.${value}`) }))}
          data-testid="supervision-state"
        />
      </Flex>

      {overdue.isError && <ErrorAlert error={overdue.error} title={t('agencies.overdue.loadError')} onRetry={() => void overdue.refetch()} />}
      <OverdueTable
        data={overdue.data}
        loading={overdue.isFetching}
        page={page}
        onPage={setPage}
        showAgency={admin}
        onEscalate={admin ? setEscalating : undefined}
        onReport={admin ? undefined : setFiling}
        testId="overdue-table"
      />
      <EscalateModal item={escalating} onClose={() => setEscalating(null)} />
      <ReportFormModal target={filing} onClose={() => setFiling(null)} />
    </Flex>
  );
}

export default withFeedback(SupervisionPage);
