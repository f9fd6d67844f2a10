import { Empty, Flex, Segmented, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import { isAdmin, isAgencyStaff } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';

import ChartCard from '../../components/charts/ChartCard';
import ErrorAlert from '../../components/ErrorAlert';
import { usePageTitle } from '../../components/usePageTitle';
import type { AmountKind, ReportKind, ReportRow } from './fundingApi';
import { AMOUNTS, reportDownload, rowName, useFundingReport } from './fundingApi';
import YearFilter, { fiscalYearOf } from './YearFilter';

const KINDS: ReportKind[] = ['programs', 'agencies', 'cities'];
// The chart stacks where the appropriation stands: reserved, committed, disbursed and still available.
const STACKED: AmountKind[] = ['reserved', 'committed', 'disbursed', 'available'];
const COLOURS: Record<AmountKind, string> = { appropriated: '#595959', reserved: '#d48806', committed: '#0958d9', disbursed: '#389e0d', available: '#8c8c8c' };

/** Yuan from fen, in 万元 (zh) or yuan (en), as budgets are read. */
function money(fen: number, language: string): string {
  const yuan = fen / 100;
  return language.startsWith('zh')
    ? `${(yuan / 10_000).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 万元`
    : `¥${yuan.toLocaleString('en', { maximumFractionDigits: 0 })}`;
}

/** 资金看板: per programme (or lead agency, or city) and fiscal year, where the money stands. */
export default function FundingPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  usePageTitle(t('funding.title'));
  const { user } = useAuth();
  const [search, setSearch] = useSearchParams();
  const kindParam = search.get('by');
  const kind: ReportKind = kindParam === 'agencies' || kindParam === 'cities' ? kindParam : 'programs';
  const fiscalYear = fiscalYearOf(search);
  const report = useFundingReport(kind, fiscalYear);
  // Every year the report has, from the report over all years.
  const allYears = useFundingReport(kind, undefined);
  const years = [...new Set((allYears.data?.rows ?? []).map((row) => row.fiscal_year))].sort();
  const rows = report.data?.rows ?? [];
  const set = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next, { replace: true });
  };

  const columns: TableColumnsType<ReportRow> = [
    { title: t(`funding.by.${kind}`), key: 'name', render: (_: unknown, row) => rowName(row).name },
    { title: t('funding.year'), dataIndex: 'fiscal_year', key: 'year', width: 80 },
    ...AMOUNTS.map((amount) => ({
      title: t(`funding.amounts.${amount}`),
      key: amount,
      align: 'right' as const,
      render: (_: unknown, row: ReportRow) => money(row[amount], language),
      sorter: (a: ReportRow, b: ReportRow) => a[amount] - b[amount],
    })),
    { title: t('funding.awards'), dataIndex: 'awards', key: 'awards', align: 'right', width: 80 },
  ];
  const chartRows = [...rows].sort((a, b) => b.appropriated - a.appropriated).slice(0, 15);

  return (
    <Flex vertical gap={16} data-testid="funding-page" data-status={report.data ? 'ready' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('funding.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('funding.intro')}</Typography.Text>
      </div>
      <Flex wrap gap={12} align="center" className="tpp-filters">
        <Segmented<ReportKind> value={kind} onChange={(value) => set('by', value === 'programs' ? undefined : value)} aria-label={t('funding.byLabel')} options={KINDS.map((value) => ({ value, label: t(`funding.by.${value}`) }))} data-testid="funding-kind" />
        <YearFilter years={years} value={fiscalYear} onChange={(year) => set('year', year)} testId="funding-year" />
        <a href={reportDownload(kind, fiscalYear, 'csv')} download>
          {t('funding.download', { format: 'CSV' })}
        </a>
        <a href={reportDownload(kind, fiscalYear, 'xlsx')} download>
          {t('funding.download', { format: 'XLSX' })}
        </a>
        {(isAdmin(user) || isAgencyStaff(user)) && (
          <Link to="/funding/awards" data-testid="funding-awards-link">
            {t('funding.awardsLink')}
          </Link>
        )}
      </Flex>
      {report.isError && <ErrorAlert error={report.error} title={t('funding.loadError')} onRetry={() => void report.refetch()} />}
      {report.data && (
        <div className="tpp-figures" data-testid="funding-totals">
          {AMOUNTS.map((amount) => (
            <div className="tpp-figure" key={amount} data-testid={`funding-total-${amount}`}>
              <span className="tpp-figure-label">{t(`funding.amounts.${amount}`)}</span>
              <span className="tpp-figure-value">{money(report.data.totals[amount], language)}</span>
            </div>
          ))}
        </div>
      )}
      {report.data && rows.length === 0 && <Empty description={t('funding.empty')} />}
      {chartRows.length > 0 && (
        <ChartCard
          testId="funding-chart"
          title={t('funding.chartTitle', { by: t(`funding.by.${kind}`) })}
          summary={t('funding.chartSummary', { count: chartRows.length })}
          height={Math.max(220, chartRows.length * 30 + 70)}
          option={{
            grid: { left: 8, right: 16, top: 8, bottom: 40, containLabel: true },
            tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
            legend: { bottom: 0, textStyle: { color: '#262626' } },
            xAxis: { type: 'value', splitNumber: 3, axisLabel: { color: '#262626', formatter: (value: number) => (value / 1_000_000).toLocaleString() } },
            yAxis: { type: 'category', inverse: true, data: chartRows.map((row) => `${rowName(row).name.slice(0, 12)} ${row.fiscal_year}`), axisLabel: { color: '#262626' } },
            series: STACKED.map((amount) => ({ type: 'bar' as const, stack: 'money', name: t(`funding.amounts.${amount}`), data: chartRows.map((row) => row[amount]), itemStyle: { color: COLOURS[amount] } })),
          }}
          table={{
            headers: [t(`funding.by.${kind}`), ...AMOUNTS.map((amount) => t(`funding.amounts.${amount}`))],
            rows: chartRows.map((row) => ({ key: rowName(row).key, cells: [`${rowName(row).name} ${row.fiscal_year}`, ...AMOUNTS.map((amount) => money(row[amount], language))] })),
          }}
        />
      )}
      <Table<ReportRow>
        rowKey={(row) => rowName(row).key}
        columns={columns}
        dataSource={rows}
        loading={report.isFetching}
        size="small"
        scroll={{ x: 900 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        onRow={(row) => ({ 'data-testid': 'funding-row', 'data-key': rowName(row).key }) as React.HTMLAttributes<HTMLElement>}
        data-testid="funding-table"
      />
    </Flex>
  );
}
