import { Empty, Flex, Input, Segmented, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import ErrorAlert from '../../components/ErrorAlert';
import Pager from '../../components/Pager';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../i18n/format';
import type { CallStatus, CallSummary, Facet } from './applicationsApi';
import { formatYuan, labelText, useCallsQuery } from './applicationsApi';
import { CALLS_PAGE_SIZE as PAGE_SIZE, readCallFilters } from './callFilters';
import { callStatusTone } from './labels';

/** A native select with the facet's counts ("省人社厅 (3)"): light, and fits a phone. */
function FacetSelect({ label, facets, value, onChange, testId }: { label: string; facets: Facet[]; value?: string; onChange: (value?: string) => void; testId: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  return (
    <label className="tpp-facet">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value || undefined)} data-testid={testId}>
        <option value="">{t('applications.calls.any')}</option>
        {value && !facets.some((facet) => facet.value === value) && <option value={value}>{value}</option>}
        {facets.map((facet) => (
          <option key={facet.value} value={facet.value}>
            {`${labelText(facet.label, language)} (${facet.count})`}
          </option>
        ))}
      </select>
    </label>
  );
}

function CallCard({ call }: { call: CallSummary }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const zh = language.startsWith('zh');
  return (
    <section className="tpp-panel" aria-label={call.title} data-testid="call-card" data-status={call.status}>
      <Flex vertical gap={6}>
        <Flex wrap gap={8} align="center">
          <ToneTag tone={callStatusTone(call.status)}>{labelText(call.status_label, language)}</ToneTag>
          <Link to={`/calls/${call.id}`} data-testid="call-link" style={{ fontSize: 16, fontWeight: 600 }}>
            {call.title}
          </Link>
        </Flex>
        <Typography.Text>
          {zh ? call.program.name : call.program.name_en} · {labelText(call.program.applicant_type_label, language)} ·{' '}
          {zh ? call.reviewing_agency.name : call.reviewing_agency.name_en}
        </Typography.Text>
        <Flex wrap gap={16}>
          <span>
            {t('applications.calls.amount')}: <strong>{formatYuan(call.amount.amount_fen, language)}</strong>
            {call.amount.is_maximum && ` ${t('applications.calls.atMost')}`}
          </span>
          <span data-testid="call-quota">{t('applications.calls.quota', { ...call.quota })}</span>
          <span>{t('applications.calls.window', { opens: formatDateTime(call.opens_at, language), closes: formatDateTime(call.closes_at, language) })}</span>
        </Flex>
        <Typography.Text type="secondary">
          {t('applications.calls.clause', { number: call.program.task_number })}「{call.program.quote}」
        </Typography.Text>
      </Flex>
    </section>
  );
}

/** 申报: the calls open now and to come, with the programme, the amount its rule gives and the places left. */
export default function CallsPage() {
  const { t } = useTranslation();
  usePageTitle(t('applications.calls.title'));
  const [search, setSearch] = useSearchParams();
  const filters = readCallFilters(search);
  const calls = useCallsQuery(filters);
  const facets = calls.data?.facets;

  const set = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== 'page') next.delete('page');
    setSearch(next, { replace: name !== 'page' });
  };
  const statusFacet = (status: CallStatus) => facets?.status.find((facet) => facet.value === status)?.count ?? 0;

  return (
    <Flex vertical gap={16} data-testid="calls-page" data-status={calls.data ? 'ready' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('applications.calls.title')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('applications.calls.intro')} <Link to="/notices" style={{ textDecoration: 'underline' }}>{t('applications.notices.title')}</Link>
        </Typography.Text>
      </div>
      <Flex wrap gap={12} align="flex-end" className="tpp-filters">
        <Input.Search
          defaultValue={filters.q}
          onSearch={(value) => set('q', value.trim() || undefined)}
          placeholder={t('applications.calls.search')}
          aria-label={t('applications.calls.search')}
          allowClear
          style={{ maxWidth: 320 }}
          data-testid="calls-search"
        />
        <Segmented<string>
          value={filters.status ?? 'all'}
          onChange={(value) => set('status', value === 'all' ? undefined : value)}
          aria-label={t('applications.calls.status')}
          options={[
            { value: 'all', label: t('applications.calls.any') },
            ...(['open', 'upcoming', 'closed'] as const).map((status) => ({ value: status, label: `${t(`applications.calls.statuses.${status}`)} (${statusFacet(status)})` })),
          ]}
          data-testid="calls-status"
        />
      </Flex>
      <Flex wrap gap={12} className="tpp-filters">
        <FacetSelect label={t('applications.calls.applicantType')} facets={facets?.applicant_type ?? []} value={filters.applicant_type} onChange={(value) => set('applicant_type', value)} testId="calls-type" />
        <FacetSelect label={t('applications.calls.task')} facets={facets?.task ?? []} value={filters.task} onChange={(value) => set('task', value)} testId="calls-task" />
        <FacetSelect label={t('applications.calls.agency')} facets={facets?.agency ?? []} value={filters.agency} onChange={(value) => set('agency', value)} testId="calls-agency" />
      </Flex>
      {calls.isError && <ErrorAlert error={calls.error} title={t('applications.loadError')} onRetry={() => void calls.refetch()} />}
      {calls.isPending && (
        <Flex justify="center" style={{ padding: 32 }}>
          <Spin />
        </Flex>
      )}
      {calls.data && calls.data.items.length === 0 && <Empty description={t('applications.calls.empty')} />}
      <Flex vertical gap={12} data-testid="calls-list">
        {calls.data?.items.map((call) => <CallCard key={call.id} call={call} />)}
      </Flex>
      {calls.data && <Pager page={filters.page} size={PAGE_SIZE} total={calls.data.total} onChange={(page) => set('page', String(page))} />}
    </Flex>
  );
}
