import { Flex, Segmented, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import type { ReportRead } from '../../api/agencies';
import { useAuth } from '../../auth/AuthProvider';
import AgencyName from '../../components/AgencyName';
import ErrorAlert from '../../components/ErrorAlert';
import { usePageTitle } from '../../components/usePageTitle';
import type { ReportTarget } from './ReportFormModal';
import ReportFormModal from './ReportFormModal';
import ReportTable from './ReportTable';
import { useReportsQuery } from './reportsApi';
import type { ReviewTarget } from './ReviewModal';
import ReviewModal from './ReviewModal';
import withFeedback from '../../components/withFeedback';

const PAGE_SIZE = 10;
const OWN_STATUSES = ['all', 'pending', 'returned', 'accepted'] as const;
type OwnStatus = (typeof OWN_STATUSES)[number];

/** 进度报送: the reports waiting for the agency's review (on tasks it leads) and the reports it filed. */
function ReportsPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const agency = user?.agency_code ?? '';
  const [search, setSearch] = useSearchParams();
  const tab = search.get('tab') === 'own' ? 'own' : 'review';
  const [reviewPage, setReviewPage] = useState(1);
  const [ownPage, setOwnPage] = useState(1);
  const [ownStatus, setOwnStatus] = useState<OwnStatus>('all');
  const [reviewing, setReviewing] = useState<ReviewTarget | null>(null);
  const [filing, setFiling] = useState<ReportTarget | null>(null);
  usePageTitle(t('reports.title'));

  const toReview = useReportsQuery({ awaiting_review_by: agency, status: 'pending', page: reviewPage, size: PAGE_SIZE }, Boolean(agency));
  const own = useReportsQuery(
    { agency, status: ownStatus === 'all' ? undefined : (ownStatus as ReportRead['status']), page: ownPage, size: PAGE_SIZE },
    Boolean(agency),
  );

  return (
    <Flex vertical gap={16} data-testid="reports-page">
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('reports.title')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('reports.description')} <AgencyName code={agency} />
        </Typography.Text>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(key) => setSearch(key === 'own' ? { tab: 'own' } : {}, { replace: true })}
        items={[
          {
            key: 'review',
            label: t('reports.tabs.review', { count: toReview.data?.total ?? 0 }),
            children: (
              <Flex vertical gap={12}>
                <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
                  {t('reports.reviewHelp')}
                </Typography.Paragraph>
                {toReview.isError && <ErrorAlert error={toReview.error} title={t('reports.loadError')} onRetry={() => void toReview.refetch()} />}
                <ReportTable
                  data={toReview.data}
                  loading={toReview.isFetching}
                  page={reviewPage}
                  onPage={setReviewPage}
                  mode="review"
                  onReview={(report, decision) => setReviewing({ report, decision })}
                  testId="reports-to-review"
                  emptyText={t('reports.emptyReview')}
                />
              </Flex>
            ),
          },
          {
            key: 'own',
            label: t('reports.tabs.own'),
            children: (
              <Flex vertical gap={12}>
                <Segmented<OwnStatus>
                  value={ownStatus}
                  onChange={(value) => {
                    setOwnStatus(value);
                    setOwnPage(1);
                  }}
                  aria-label={t('reports.statusFilter')}
                  options={OWN_STATUSES.map((status) => ({
                    value: status,
                    label: status === 'all' ? t('reports.allStatuses') : t(`tasks.deliverable.reportStatus.${status}`),
                  }))}
                  style={{ alignSelf: 'flex-start' }}
                  data-testid="own-status-filter"
                />
                {own.isError && <ErrorAlert error={own.error} title={t('reports.loadError')} onRetry={() => void own.refetch()} />}
                <ReportTable
                  data={own.data}
                  loading={own.isFetching}
                  page={ownPage}
                  onPage={setOwnPage}
                  mode="own"
                  onRefile={setFiling}
                  testId="reports-own"
                  emptyText={t('reports.emptyOwn')}
                />
              </Flex>
            ),
          },
        ]}
      />
      <ReviewModal target={reviewing} onClose={() => setReviewing(null)} />
      <ReportFormModal target={filing} onClose={() => setFiling(null)} />
    </Flex>
  );
}

export default withFeedback(ReportsPage);
