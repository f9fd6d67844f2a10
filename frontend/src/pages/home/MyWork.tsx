import { Card, Flex, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { OverdueItem } from '../../api/agencies';
import { useOverdueQuery } from '../../api/agencies';
import type { UserRead } from '../../auth/authApi';
import { isAdmin } from '../../auth/authApi';
import AgencyName from '../../components/AgencyName';
import ErrorAlert from '../../components/ErrorAlert';
import type { ReportTarget } from '../reports/ReportFormModal';
import ReportFormModal from '../reports/ReportFormModal';
import ReportTable from '../reports/ReportTable';
import { useReportsQuery } from '../reports/reportsApi';
import type { ReviewTarget } from '../reports/ReviewModal';
import ReviewModal from '../reports/ReviewModal';
import EscalateModal from '../supervision/EscalateModal';
import OverdueTable, { endedPlans, PlanEndedNotice } from '../supervision/OverdueTable';
import withFeedback from '../../components/withFeedback';

const SHOWN = 5;

/** A reviewer's work: reports to review for the tasks the agency leads, reports to file, reports sent back. */
function AgencyWork({ agency }: { agency: string }) {
  const { t } = useTranslation();
  const [reviewPage, setReviewPage] = useState(1);
  const [overduePage, setOverduePage] = useState(1);
  const [returnedPage, setReturnedPage] = useState(1);
  const [reviewing, setReviewing] = useState<ReviewTarget | null>(null);
  const [filing, setFiling] = useState<ReportTarget | null>(null);
  const toReview = useReportsQuery({ awaiting_review_by: agency, status: 'pending', page: reviewPage, size: SHOWN });
  const toFile = useOverdueQuery({ agency, state: 'missing', page: overduePage, size: SHOWN });
  const returned = useReportsQuery({ agency, status: 'returned', page: returnedPage, size: SHOWN });

  return (
    <Flex vertical gap={16} data-testid="my-work">
      <Flex justify="space-between" align="baseline" wrap gap={8}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('home.work.title')}
        </Typography.Title>
        <Link to="/my-agency" data-testid="home-my-agency">
          <AgencyName code={agency} />
        </Link>
      </Flex>
      <Card size="small" title={t('home.work.toReview', { count: toReview.data?.total ?? 0 })} extra={<Link to="/reports">{t('home.work.all')}</Link>}>
        {toReview.isError ? (
          <ErrorAlert error={toReview.error} title={t('reports.loadError')} onRetry={() => void toReview.refetch()} />
        ) : (
          <ReportTable data={toReview.data} loading={toReview.isFetching} page={reviewPage} onPage={setReviewPage} mode="review" onReview={(report, decision) => setReviewing({ report, decision })} testId="work-to-review" emptyText={t('reports.emptyReview')} />
        )}
      </Card>
      <Card size="small" title={t('home.work.toFile', { count: toFile.data?.total ?? 0 })} extra={<Link to="/supervision?state=missing">{t('home.work.all')}</Link>}>
        {toFile.isError ? (
          <ErrorAlert error={toFile.error} title={t('agencies.overdue.loadError')} onRetry={() => void toFile.refetch()} />
        ) : (
          <OverdueTable data={toFile.data} loading={toFile.isFetching} page={overduePage} onPage={setOverduePage} showAgency={false} onReport={setFiling} testId="work-to-file" />
        )}
      </Card>
      <Card size="small" title={t('home.work.returned', { count: returned.data?.total ?? 0 })} extra={<Link to="/reports?tab=own">{t('home.work.all')}</Link>}>
        {returned.isError ? (
          <ErrorAlert error={returned.error} title={t('reports.loadError')} onRetry={() => void returned.refetch()} />
        ) : (
          <ReportTable data={returned.data} loading={returned.isFetching} page={returnedPage} onPage={setReturnedPage} mode="own" onRefile={setFiling} testId="work-returned" emptyText={t('home.work.noneReturned')} />
        )}
      </Card>
      <ReviewModal target={reviewing} onClose={() => setReviewing(null)} />
      <ReportFormModal target={filing} onClose={() => setFiling(null)} />
    </Flex>
  );
}

/** An administrator's work: the overdue reports furthest up the ladder still to act on. */
function AdminWork() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [escalating, setEscalating] = useState<OverdueItem | null>(null);
  const overdue = useOverdueQuery({ state: 'missing', page, size: SHOWN });
  return (
    <Flex vertical gap={16} data-testid="my-work">
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('home.work.title')}
      </Typography.Title>
      <Card
        size="small"
        title={t(endedPlans(overdue.data).size > 0 && overdue.data?.final ? 'home.work.overdue' : 'home.work.toEscalate', { count: overdue.data?.total ?? 0 })}
        extra={<Link to="/supervision">{t('home.work.all')}</Link>}
      >
        <PlanEndedNotice data={overdue.data} style={{ marginBottom: 12 }} />
        {overdue.isError ? (
          <ErrorAlert error={overdue.error} title={t('agencies.overdue.loadError')} onRetry={() => void overdue.refetch()} />
        ) : (
          <OverdueTable data={overdue.data} loading={overdue.isFetching} page={page} onPage={setPage} showAgency onEscalate={setEscalating} testId="work-to-escalate" />
        )}
      </Card>
      <EscalateModal item={escalating} onClose={() => setEscalating(null)} />
    </Flex>
  );
}

function MyWork({ user }: { user: UserRead }) {
  if (isAdmin(user)) return <AdminWork />;
  if (user.role === 'reviewer' && user.agency_code) return <AgencyWork agency={user.agency_code} />;
  return null;
}


export default withFeedback(MyWork);
