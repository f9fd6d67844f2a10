import { Breadcrumb, Button, Card, Descriptions, Empty, Flex, Result, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import type { Deliverable, Owner, ReportRead, TaskRead } from '../../api/agencies';
import { agencyName, useDeliverableReportsQuery, useTaskQuery } from '../../api/agencies';
import { isApiError } from '../../api/http';
import { isAgencyStaff } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import { AgencyLink } from '../../components/AgencyLink';
import ButtonLink from '../../components/ButtonLink';
import ErrorAlert from '../../components/ErrorAlert';
import RecordFrame from '../../components/RecordFrame';
import JudgedAt from '../../components/JudgedAt';
import StatusProgress from '../../components/StatusProgress';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import withFeedback from '../../components/withFeedback';
import { formatDate, formatDateTime, formatNumber } from '../../i18n/format';
import type { ReportTarget } from '../reports/ReportFormModal';
import ReportFormModal from '../reports/ReportFormModal';
import { ReportStatusTag } from '../reports/ReportTable';
import type { ReviewTarget } from '../reports/ReviewModal';
import ReviewModal from '../reports/ReviewModal';
import { sectionLabel } from './sectionLabel';
import { useTargetText } from './targetText';

/** Whether the agency is among the task's owners in `role` (itself, or through a group such as 各市). */
function owns(task: TaskRead, agency: string | null | undefined, role?: Owner['role']): boolean {
  if (!agency) return false;
  return task.owners.some(
    (owner) => (!role || owner.role === role) && (owner.agency.code === agency || owner.members.some((member) => member.code === agency)),
  );
}

/** What the signed-in reviewer's agency may do on this task: report on it, review its reports. */
function useTaskPowers(task: TaskRead | undefined) {
  const { user } = useAuth();
  const agency = isAgencyStaff(user) ? user!.agency_code : null;
  return { canReport: Boolean(task && owns(task, agency)), canReview: Boolean(task && owns(task, agency, 'lead')) };
}

function OwnerList({ owners }: { owners: Owner[] }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  if (owners.length === 0) return <Typography.Text type="secondary">{t('tasks.detail.noResponsible')}</Typography.Text>;
  return (
    <Flex wrap gap={8}>
      {owners.map((owner) => (
        <Tag key={owner.agency.code} color={owner.role === 'lead' ? 'red' : 'blue'} style={{ marginInlineEnd: 0, fontSize: 14, padding: '2px 8px' }}>
          <AgencyLink agency={owner.agency} />
          {owner.members.length > 0 && (
            <Tooltip title={owner.members.map((member) => agencyName(member, language)).join(language.startsWith('en') ? ', ' : '、')}>
              <Typography.Text type="secondary" style={{ marginInlineStart: 4, fontSize: 12 }}>
                ({owner.members.length})
              </Typography.Text>
            </Tooltip>
          )}
        </Tag>
      ))}
    </Flex>
  );
}

const REPORTS_PAGE_SIZE = 10;
const STATUS_TONES = { green: 'success', amber: 'warning', red: 'error' } as const;

/** The deliverable's reports, newest first, fetched when first opened; the lead agency reviews pending ones here. */
function ReportList({ deliverable, onReview }: { deliverable: Deliverable; onReview?: (target: ReviewTarget) => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const [page, setPage] = useState(1);
  const reports = useDeliverableReportsQuery(deliverable.code, { page, size: REPORTS_PAGE_SIZE }, true);
  if (reports.isError) {
    return <ErrorAlert error={reports.error} title={t('tasks.deliverable.reportsLoadError')} onRetry={() => void reports.refetch()} />;
  }
  const columns: TableColumnsType<ReportRead> = [
    { title: t('tasks.deliverable.reportColumns.period'), dataIndex: 'period', key: 'period' },
    {
      title: t('tasks.deliverable.reportColumns.agency'),
      key: 'agency',
      render: (_: unknown, report) => <AgencyLink agency={report.agency} />,
    },
    {
      title: t('tasks.deliverable.reportColumns.value'),
      key: 'value',
      align: 'right',
      render: (_: unknown, report) => `${formatNumber(report.value, language, 2)} ${report.unit}`,
    },
    {
      title: t('tasks.deliverable.reportColumns.status'),
      dataIndex: 'status',
      key: 'status',
      render: (status: ReportRead['status']) => <ReportStatusTag status={status} />,
    },
    {
      title: t('tasks.deliverable.reportColumns.submittedAt'),
      dataIndex: 'submitted_at',
      key: 'submittedAt',
      render: (value: string) => formatDateTime(value, language) ?? t('common.none'),
    },
    {
      title: t('tasks.deliverable.reportColumns.narrative'),
      key: 'narrative',
      render: (_: unknown, report) => (
        <Flex vertical gap={2}>
          <Typography.Text>{report.narrative}</Typography.Text>
          {report.review_comment && (
            <Typography.Text type="secondary">{t('reports.columns.comment', { comment: report.review_comment })}</Typography.Text>
          )}
        </Flex>
      ),
    },
    ...(onReview
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, report: ReportRead) =>
              report.status === 'pending' ? (
                <Flex gap={8}>
                  <Button size="small" type="primary" onClick={() => onReview({ report, decision: 'accept' })} data-testid="report-accept">
                    {t('reports.review.accept')}
                  </Button>
                  <Button size="small" danger onClick={() => onReview({ report, decision: 'return' })} data-testid="report-return">
                    {t('reports.review.return')}
                  </Button>
                </Flex>
              ) : null,
          },
        ]
      : []),
  ];
  return (
    <Table<ReportRead>
      rowKey="id"
      columns={columns}
      dataSource={reports.data?.items ?? []}
      loading={reports.isFetching}
      size="small"
      scroll={{ x: 'max-content' }}
      data-testid="report-list"
      locale={{ emptyText: <Empty description={t('tasks.deliverable.noReports')} /> }}
      pagination={{
        current: page,
        pageSize: REPORTS_PAGE_SIZE,
        total: reports.data?.total ?? 0,
        hideOnSinglePage: true,
        showSizeChanger: false,
        onChange: setPage,
      }}
    />
  );
}

interface DeliverableCardProps {
  deliverable: Deliverable;
  /** The indicator of the deliverable this one is a part of, if any. */
  partOf: string | undefined;
  onReport?: () => void;
  onReview?: (target: ReviewTarget) => void;
}

function DeliverableCard({ deliverable, partOf, onReport, onReview }: DeliverableCardProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const targetText = useTargetText();
  const { progress, reports } = deliverable;
  const none = t('common.none');
  const [showReports, setShowReports] = useState(false);

  return (
    <Card
      size="small"
      id={deliverable.code}
      data-testid={`deliverable-${deliverable.code}`}
      title={
        <Flex gap={8} align="center" wrap style={{ whiteSpace: 'normal', padding: '4px 0' }}>
          <span>{deliverable.indicator}</span>
          <ToneTag tone={STATUS_TONES[progress.status]} data-testid="deliverable-status" data-status={progress.status}>
            {t(`tasks.deliverable.status.${progress.status}`)}
          </ToneTag>
        </Flex>
      }
      extra={
        onReport ? (
          <Button type="primary" size="small" onClick={onReport} data-testid="deliverable-report">
            {t('reports.file')}
          </Button>
        ) : undefined
      }
    >
      <Flex vertical gap={12}>
        <Typography.Paragraph style={{ marginBottom: 0 }}>
          <Typography.Text type="secondary">“</Typography.Text>
          {deliverable.quote}
          <Typography.Text type="secondary">”</Typography.Text>
          {deliverable.part_of && (
            <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
              {t('tasks.deliverable.partOf', { indicator: partOf ?? deliverable.part_of })}
            </Typography.Text>
          )}
        </Typography.Paragraph>

        <StatusProgress percent={progress.percent} status={progress.status} testId="deliverable-progress" label={deliverable.indicator} />

        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 3 }}
          items={[
            {
              key: 'current',
              label: t('tasks.deliverable.current'),
              children: (
                <span data-testid="deliverable-value" data-value={progress.value}>
                  {formatNumber(progress.value, language, 2)} {deliverable.unit}
                </span>
              ),
            },
            {
              key: 'expected',
              label: t('tasks.deliverable.expected'),
              children: `${formatNumber(progress.expected_value, language, 1)} ${deliverable.unit}`,
            },
            { key: 'target', label: t('tasks.deliverable.target'), children: targetText(deliverable) },
            { key: 'due', label: t('tasks.deliverable.due'), children: formatDate(deliverable.due, language) ?? none },
            { key: 'recurrence', label: t('tasks.deliverable.recurrence'), children: t(`tasks.deliverable.recurrences.${deliverable.recurrence}`) },
            { key: 'reporting', label: t('tasks.deliverable.reporting'), children: t(`tasks.deliverable.reportings.${deliverable.reporting}`) },
            { key: 'source', label: t('tasks.deliverable.source'), children: t(`tasks.deliverable.sources.${progress.source}`) },
            { key: 'asOf', label: t('tasks.deliverable.asOf'), children: formatDate(progress.as_of, language) ?? none },
            ...(progress.result
              ? [
                  {
                    key: 'result',
                    label: t('tasks.deliverable.result'),
                    children: (
                      <ToneTag tone={progress.result === 'achieved' ? 'success' : 'error'} data-testid="deliverable-result" data-status={progress.result}>
                        {t(`tasks.deliverable.results.${progress.result}`)}
                      </ToneTag>
                    ),
                  },
                ]
              : []),
          ]}
        />

        {deliverable.by_agency.length > 0 && (
          <div>
            <Typography.Text strong>{t('tasks.deliverable.byAgency')}</Typography.Text>
            <Flex wrap gap={8} style={{ marginTop: 4 }} data-testid="deliverable-by-agency">
              {deliverable.by_agency.map((share, index) => (
                <Tag key={share.agency?.code ?? `none-${index}`} style={{ marginInlineEnd: 0 }}>
                  {t(share.period ? 'tasks.deliverable.shareWithPeriod' : 'tasks.deliverable.share', {
                    agency: share.agency ? agencyName(share.agency, language) : t('tasks.deliverable.noAgency'),
                    value: `${formatNumber(share.value, language, 2)} ${deliverable.unit}`,
                    period: share.period,
                  })}
                </Tag>
              ))}
            </Flex>
          </div>
        )}

        <div data-testid="deliverable-reports">
          <Typography.Text strong>{t('tasks.deliverable.reportsLabel')}</Typography.Text>{' '}
          {reports.total === 0 ? (
            <Typography.Text type="secondary">{t('tasks.deliverable.noReports')}</Typography.Text>
          ) : (
            <Typography.Text>
              {[
                t('tasks.deliverable.reportCounts', {
                  total: reports.total,
                  accepted: reports.accepted,
                  pending: reports.pending,
                  returned: reports.returned,
                }),
                reports.latest_period && t('tasks.deliverable.latestPeriod', { period: reports.latest_period }),
                reports.latest_submitted_at && t('tasks.deliverable.latestSubmittedAt', { time: formatDateTime(reports.latest_submitted_at, language) }),
              ]
                .filter(Boolean)
                .join(t('tasks.deliverable.clauseSeparator'))}
              <Button type="link" size="small" onClick={() => setShowReports(!showReports)} data-testid="toggle-reports">
                {showReports ? t('tasks.deliverable.hideReports') : t('tasks.deliverable.showReports')}
              </Button>
            </Typography.Text>
          )}
        </div>
        {showReports && <ReportList deliverable={deliverable} onReview={onReview} />}
      </Flex>
    </Card>
  );
}

function TaskPage() {
  const { t } = useTranslation();
  const params = useParams();
  const planCode = params.planCode ?? '';
  const number = Number(params.number);
  const task = useTaskQuery(planCode, number);
  const { canReport, canReview } = useTaskPowers(task.data);
  const [filing, setFiling] = useState<ReportTarget | null>(null);
  const [reviewing, setReviewing] = useState<ReviewTarget | null>(null);
  usePageTitle(task.data ? `${t('tasks.numberLabel', { number: task.data.number })} ${task.data.title}` : t('tasks.numberLabel', { number: params.number }));

  // A link to one deliverable (#code) scrolls to it once the task has loaded.
  const loaded = Boolean(task.data);
  useEffect(() => {
    if (!loaded || !window.location.hash) return;
    document.getElementById(decodeURIComponent(window.location.hash.slice(1)))?.scrollIntoView();
  }, [loaded]);

  const breadcrumb = (
    <Breadcrumb
      items={[
        { key: 'tasks', title: <Link to="/tasks">{t('tasks.title')}</Link> },
        { key: 'task', title: t('tasks.numberLabel', { number: params.number }) },
      ]}
    />
  );

  const notFound = (isApiError(task.error) && task.error.status === 404) || !Number.isInteger(number) || number < 1;
  if (notFound) {
    return (
      <Flex vertical gap={16} data-testid="task-page" data-status="not-found">
        {breadcrumb}
        <Result
          status="404"
          title={t('tasks.detail.notFound')}
          subTitle={t('tasks.detail.notFoundDescription', { plan: planCode, number: params.number })}
          extra={<ButtonLink to="/tasks">{t('tasks.detail.back')}</ButtonLink>}
        />
      </Flex>
    );
  }

  if (task.isError || !task.data) {
    return <RecordFrame testId="task-page" breadcrumb={breadcrumb} query={task} errorTitle={t('tasks.detail.loadError')} />;
  }

  const data = task.data;
  const leads = data.owners.filter((owner) => owner.role === 'lead');
  const responsible = data.owners.filter((owner) => owner.role === 'responsible');

  return (
    <Flex vertical gap={16} data-testid="task-page" data-status="ready">
      {breadcrumb}
      <div>
        <Typography.Text type="secondary">{t('tasks.numberLabel', { number: data.number })}</Typography.Text>
        <Typography.Title level={2} style={{ marginTop: 4 }} data-testid="task-title">
          {data.title}
        </Typography.Title>
        <JudgedAt asOf={data.as_of} final={data.final} testId="task-as-of" />
      </div>

      <Descriptions
        bordered
        size="small"
        column={1}
        items={[
          { key: 'plan', label: t('tasks.detail.plan'), children: data.plan.title },
          { key: 'section', label: t('tasks.detail.section'), children: sectionLabel(data.section, t) },
          ...(data.group
            ? [{ key: 'group', label: t('tasks.detail.group'), children: `${data.group.numeral}${data.group.title}` }]
            : []),
          {
            key: 'lead',
            label: t('tasks.detail.leadAgencies'),
            children: (
              <div data-testid="task-lead-agencies">
                <OwnerList owners={leads} />
              </div>
            ),
          },
          {
            key: 'responsible',
            label: t('tasks.detail.responsibleAgencies'),
            children: (
              <div data-testid="task-responsible-agencies">
                <OwnerList owners={responsible} />
              </div>
            ),
          },
          {
            key: 'progress',
            label: t('tasks.detail.overallProgress'),
            children:
              data.progress_percent === null ? (
                <Typography.Text type="secondary">{t('tasks.notAvailable')}</Typography.Text>
              ) : (
                <div style={{ maxWidth: 360 }}>
                  <StatusProgress percent={data.progress_percent} testId="task-progress" label={t('tasks.detail.overallProgress')} />
                </div>
              ),
          },
        ]}
      />

      <Card title={t('tasks.detail.clause')} size="small">
        <Typography.Paragraph style={{ fontSize: 15, lineHeight: 1.9, marginBottom: 0, whiteSpace: 'pre-wrap' }} data-testid="task-clause">
          {data.clause}
        </Typography.Paragraph>
      </Card>

      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('tasks.detail.deliverables')}
        </Typography.Title>
        <ButtonLink to={`/matrix?plan=${encodeURIComponent(data.plan.code)}&q=${encodeURIComponent(String(data.number))}`} size="small">
          {t('tasks.detail.openMatrix')}
        </ButtonLink>
      </Flex>
      {data.deliverables.length === 0 ? (
        <Empty description={t('tasks.detail.noDeliverables')} data-testid="no-deliverables" />
      ) : (
        <Flex vertical gap={12} data-testid="deliverables">
          {data.deliverables.map((deliverable) => (
            <DeliverableCard
              key={deliverable.code}
              deliverable={deliverable}
              partOf={data.deliverables.find((other) => other.code === deliverable.part_of)?.indicator}
              onReport={
                canReport && deliverable.progress.source === 'reported'
                  ? () =>
                      setFiling({
                        code: deliverable.code,
                        indicator: deliverable.indicator,
                        unit: deliverable.unit,
                        reporting: deliverable.reporting,
                        due: deliverable.due,
                        planCode: data.plan.code,
                      })
                  : undefined
              }
              onReview={canReview ? setReviewing : undefined}
            />
          ))}
        </Flex>
      )}
      <ReportFormModal target={filing} onClose={() => setFiling(null)} />
      <ReviewModal target={reviewing} onClose={() => setReviewing(null)} />
    </Flex>
  );
}

export default withFeedback(TaskPage);

