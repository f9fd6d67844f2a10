import { Card, Empty, Flex, Segmented, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { isAdmin } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import ButtonLink from '../../components/ButtonLink';
import ErrorAlert from '../../components/ErrorAlert';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../i18n/format';
import type { ApplicationSummary } from './applicationsApi';
import { labelText, useApplicationsQuery } from './applicationsApi';
import { STATES, stateTone } from './labels';

// The service pages at most 100; a queue is read as one page and counted here.
const QUEUE_SIZE = 100;

/**
 * An applicant's own applications; a reviewer's queue (what their agency nominates or reviews), an
 * administrator's every application, with a count per state.
 */
export default function ApplicationsPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const zh = language.startsWith('zh');
  const { user } = useAuth();
  const applicant = user?.role === 'applicant';
  const title = applicant ? t('applications.list.mine') : t('applications.list.queue');
  usePageTitle(title);
  const [search, setSearch] = useSearchParams();
  const state = search.get('state') ?? 'all';
  const list = useApplicationsQuery({ page: 1, size: QUEUE_SIZE });
  const items = list.data?.items ?? [];
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.state, (counts.get(item.state) ?? 0) + 1);
  const shown = state === 'all' ? items : items.filter((item) => item.state === state);

  const columns: TableColumnsType<ApplicationSummary> = [
    { title: '#', dataIndex: 'id', key: 'id', width: 60, render: (value: number) => <Link to={`/applications/${value}`}>{value}</Link> },
    { title: t('applications.notices.name'), key: 'name', render: (_: unknown, row) => <Link to={`/applications/${row.id}`} data-testid="application-link">{row.applicant_name || t('applications.application.unnamed')}</Link> },
    { title: t('applications.notices.program'), dataIndex: 'program_name', key: 'program' },
    { title: t('applications.application.nominator'), key: 'nominator', responsive: ['md'], render: (_: unknown, row) => (zh ? row.nominating_agency.name : row.nominating_agency.name_en) },
    { title: t('applications.list.state'), key: 'state', render: (_: unknown, row) => <ToneTag tone={stateTone(row.state)} data-status={row.state}>{labelText(row.state_label, language)}</ToneTag> },
    { title: t('applications.list.updated'), key: 'updated', responsive: ['lg'], render: (_: unknown, row) => formatDateTime(row.updated_at, language) },
  ];

  return (
    <Flex vertical gap={16} data-testid="applications-page" data-status={list.data ? 'ready' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {title}
        </Typography.Title>
        <Typography.Text type="secondary">
          {applicant ? t('applications.list.mineIntro') : isAdmin(user) ? t('applications.list.adminIntro') : t('applications.list.queueIntro', { agency: user?.agency_code ?? '' })}
        </Typography.Text>
      </div>
      {applicant && <ButtonLink to="/calls" style={{ alignSelf: 'flex-start' }}>{t('applications.list.findCall')}</ButtonLink>}
      {isAdmin(user) && (
        <ButtonLink to="/decisions" style={{ alignSelf: 'flex-start' }} data-testid="applications-decisions-link">
          {t('decisions.title')}
        </ButtonLink>
      )}
      <Card size="small" title={t('applications.list.counts', { total: list.data?.total ?? 0 })}>
        <div style={{ overflowX: 'auto' }}>
          <Segmented<string>
            value={state}
            onChange={(value) => setSearch(value === 'all' ? {} : { state: value }, { replace: true })}
            aria-label={t('applications.list.state')}
            options={[
              { value: 'all', label: `${t('applications.calls.any')} (${items.length})` },
              ...STATES.filter((value) => counts.has(value)).map((value) => ({ value, label: `${labelText(items.find((item) => item.state === value)!.state_label, language)} (${counts.get(value)})` })),
            ]}
            data-testid="applications-states"
          />
        </div>
      </Card>
      {list.isError && <ErrorAlert error={list.error} title={t('applications.loadError')} onRetry={() => void list.refetch()} />}
      <Table<ApplicationSummary>
        rowKey="id"
        columns={columns}
        dataSource={shown}
        loading={list.isFetching}
        size="small"
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty description={t('applications.list.empty')} /> }}
        onRow={(row) => ({ 'data-testid': 'application-row', 'data-key': row.id, 'data-status': row.state }) as React.HTMLAttributes<HTMLElement>}
        data-testid="applications-table"
      />
    </Flex>
  );
}
