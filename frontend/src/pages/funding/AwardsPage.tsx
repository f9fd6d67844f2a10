import { Breadcrumb, Button, Empty, Flex, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import ErrorAlert from '../../components/ErrorAlert';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../i18n/format';
import type { AwardRead } from './fundingApi';
import { fenToYuan, useAwardsQuery, useFundingReport } from './fundingApi';
import { awardStatusTone } from './awardStatus';
import YearFilter, { fiscalYearOf } from './YearFilter';

/** 资助清单: every award, newest first, paged by key as the service pages it (`next` → `after`). */
export default function AwardsPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  usePageTitle(t('funding.awardList.title'));
  const [search, setSearch] = useSearchParams();
  const program = search.get('program') ?? undefined;
  const fiscalYear = fiscalYearOf(search);
  // The cursors of the pages before this one (the first page has none): "previous" pops one.
  const [cursors, setCursors] = useState<(string | null)[]>([]);
  const [after, setAfter] = useState<string | null>(null);
  const awards = useAwardsQuery({ program_code: program, fiscal_year: fiscalYear }, after);
  // The programmes and years the public report knows, for the filters.
  const report = useFundingReport('programs', undefined);
  const programs = new Map<string, string>();
  for (const row of report.data?.rows ?? []) if ('program_code' in row) programs.set(row.program_code, row.program_name ?? row.program_code);
  const years = [...new Set((report.data?.rows ?? []).map((row) => row.fiscal_year))].sort();
  const set = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next, { replace: true });
    setCursors([]);
    setAfter(null);
  };
  const page = cursors.length + 1;

  const columns: TableColumnsType<AwardRead> = [
    { title: t('funding.awardList.grantee'), key: 'grantee', render: (_: unknown, row) => <Link to={`/funding/awards/${encodeURIComponent(row.id)}`} data-testid="award-link">{row.grantee_name ?? row.id}</Link> },
    { title: t('funding.awardList.program'), key: 'program', responsive: ['md'], render: (_: unknown, row) => programs.get(row.program_code) ?? row.program_code },
    { title: t('funding.year'), dataIndex: 'fiscal_year', key: 'year', width: 70 },
    { title: t('funding.award.amount'), key: 'amount', align: 'right', render: (_: unknown, row) => fenToYuan(row.amount_fen, language) },
    { title: t('funding.award.paid'), key: 'paid', align: 'right', responsive: ['lg'], render: (_: unknown, row) => fenToYuan(row.paid_fen, language) },
    { title: t('funding.award.remaining'), key: 'remaining', align: 'right', responsive: ['lg'], render: (_: unknown, row) => fenToYuan(row.remaining_fen, language) },
    { title: t('funding.awardList.status'), key: 'status', render: (_: unknown, row) => <ToneTag tone={awardStatusTone(row.status)} data-status={row.status}>{t(`funding.award.statuses.${row.status}`)}</ToneTag> },
    { title: t('funding.awardList.createdAt'), key: 'created', responsive: ['xl'], render: (_: unknown, row) => formatDateTime(row.created_at, language) },
  ];

  return (
    <Flex vertical gap={16} data-testid="awards-page" data-status={awards.data ? 'ready' : awards.isError ? 'error' : 'loading'}>
      <Breadcrumb items={[{ title: <Link to="/funding">{t('funding.title')}</Link> }, { title: t('funding.awardList.title') }]} />
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('funding.awardList.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('funding.awardList.intro')}</Typography.Text>
      </div>
      <Flex wrap gap={12} align="center" className="tpp-filters">
        <label className="tpp-facet">
          <span style={{ whiteSpace: 'nowrap' }}>{t('funding.awardList.program')}</span>
          <select value={program ?? ''} onChange={(event) => set('program', event.target.value || undefined)} style={{ maxWidth: 260 }} data-testid="awards-program">
            <option value="">{t('funding.awardList.allPrograms')}</option>
            {[...programs].map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <YearFilter years={years} value={fiscalYear} onChange={(year) => set('year', year)} testId="awards-year" />
      </Flex>
      {awards.isError && <ErrorAlert error={awards.error} title={t('funding.awardList.loadError')} onRetry={() => void awards.refetch()} />}
      <Table<AwardRead>
        rowKey="id"
        columns={columns}
        dataSource={awards.data?.items ?? []}
        loading={awards.isFetching}
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('funding.awardList.empty')} /> }}
        onRow={(row) => ({ 'data-testid': 'award-row', 'data-key': row.id, 'data-status': row.status }) as React.HTMLAttributes<HTMLElement>}
        data-testid="awards-table"
      />
      <nav aria-label={t('common.pagination.label')}>
        <Flex wrap gap={8} align="center">
          <Button
            size="small"
            disabled={cursors.length === 0}
            onClick={() => {
              setAfter(cursors[cursors.length - 1] ?? null);
              setCursors(cursors.slice(0, -1));
            }}
            data-testid="awards-previous"
          >
            {t('funding.awardList.previous')}
          </Button>
          <span aria-current="page">{t('funding.awardList.pageOf', { page })}</span>
          <Button
            size="small"
            disabled={!awards.data?.next}
            onClick={() => {
              setCursors([...cursors, after]);
              setAfter(awards.data?.next ?? null);
            }}
            data-testid="awards-next"
          >
            {t('funding.awardList.next')}
          </Button>
          {typeof awards.data?.total === 'number' && <Typography.Text type="secondary">{t('funding.awardList.total', { total: awards.data.total })}</Typography.Text>}
        </Flex>
      </nav>
    </Flex>
  );
}
