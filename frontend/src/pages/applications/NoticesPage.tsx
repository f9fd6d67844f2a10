import { Button, Empty, Flex, Segmented, Spin, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';

import ErrorAlert from '../../components/ErrorAlert';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate, formatDateTime } from '../../i18n/format';
import type { NoticeRead } from './applicationsApi';
import { formatYuan, labelText, useNoticeQuery, useNoticesQuery } from './applicationsApi';
import type { ObjectionTarget } from './ObjectionModal';

// The objection form (antd Form and Modal) loads when someone objects.
const ObjectionModal = lazy(() => import('./ObjectionModal'));

function NoticeCard({ notice, onObject }: { notice: NoticeRead; onObject: (target: ObjectionTarget) => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const open = notice.status === 'open';
  return (
    <section className="tpp-panel" aria-labelledby={`notice-${notice.id}`} data-testid="notice-card" data-status={notice.status}>
      <div className="tpp-panel-head" style={{ justifyContent: 'flex-start' }}>
        <ToneTag tone={open ? 'info' : 'neutral'}>{labelText(notice.status_label, language)}</ToneTag>
        <h3 className="tpp-panel-title" id={`notice-${notice.id}`}>
          <Link to={`/notices/${notice.id}`}>{notice.title}</Link>
        </h3>
      </div>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('applications.notices.period', { start: formatDate(notice.starts_on, language), end: formatDate(notice.ends_on, language), days: notice.working_days })} ·{' '}
        {t('applications.notices.published', { at: formatDateTime(notice.published_at, language) })} · {language.startsWith('zh') ? notice.reviewing_agency.name : notice.reviewing_agency.name_en}
      </Typography.Paragraph>
      <div className="tpp-plain-table-scroll">
        <table className="tpp-plain-table">
          <thead>
            <tr>
              <th scope="col">{t('applications.notices.name')}</th>
              <th scope="col">{t('applications.notices.unit')}</th>
              <th scope="col">{t('applications.notices.program')}</th>
              <th scope="col" className="tpp-number">
                {t('applications.calls.amount')}
              </th>
              {open && <th scope="col">{t('common.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {notice.entries.map((entry) => (
              <tr key={entry.application_id} data-testid="notice-entry" data-key={entry.application_id}>
                <th scope="row" style={{ fontWeight: 'normal' }}>
                  {entry.applicant_name}
                </th>
                <td>{entry.unit}</td>
                <td>{entry.program_name}</td>
                <td className="tpp-number">{formatYuan(entry.amount_fen, language)}</td>
                {open && (
                  <td>
                    <Button size="small" onClick={() => onObject({ notice, entry })} data-testid="notice-object">
                      {t('applications.objection.open')}
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** 公示: who is recommended (name, unit, programme, amount only), and a named objection while it runs. */
export default function NoticesPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id ?? 0);
  const [search, setSearch] = useSearchParams();
  const status = search.get('status') === 'ended' ? 'ended' : search.get('status') === 'open' ? 'open' : undefined;
  const list = useNoticesQuery({ status });
  const one = useNoticeQuery(id);
  const [objecting, setObjecting] = useState<ObjectionTarget | null>(null);
  usePageTitle(id ? (one.data?.title ?? t('applications.notices.title')) : t('applications.notices.title'));
  const query = id ? one : list;
  const notices = id ? (one.data ? [one.data] : []) : (list.data ?? []);

  return (
    <Flex vertical gap={16} data-testid="notices-page" data-status={query.data ? 'ready' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('applications.notices.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('applications.notices.intro')}</Typography.Text>
      </div>
      {id ? (
        <Link to="/notices">{t('applications.notices.all')}</Link>
      ) : (
        <Segmented<string>
          value={status ?? 'all'}
          onChange={(value) => setSearch(value === 'all' ? {} : { status: value }, { replace: true })}
          aria-label={t('applications.notices.status')}
          options={[
            { value: 'all', label: t('applications.calls.any') },
            { value: 'open', label: t('applications.notices.open') },
            { value: 'ended', label: t('applications.notices.ended') },
          ]}
          style={{ alignSelf: 'flex-start' }}
        />
      )}
      {query.isError && <ErrorAlert error={query.error} title={t('applications.loadError')} onRetry={() => void query.refetch()} />}
      {query.isPending && <Spin />}
      {query.data && notices.length === 0 && <Empty description={t('applications.notices.empty')} />}
      {notices.map((notice) => (
        <NoticeCard key={notice.id} notice={notice} onObject={setObjecting} />
      ))}
      {objecting && (
        <Suspense fallback={null}>
          <ObjectionModal target={objecting} onClose={() => setObjecting(null)} />
        </Suspense>
      )}
    </Flex>
  );
}
