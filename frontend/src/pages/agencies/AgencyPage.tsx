import { Alert, Breadcrumb, Card, Descriptions, Empty, Flex, Result, Spin, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { HTMLAttributes } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import type { AgencyDetail, AgencyTask } from '../../api/agencies';
import { AGENCY_KINDS, agencyName, taskPath, useAgencyQuery, useOverdueQuery } from '../../api/agencies';
import { isApiError } from '../../api/http';
import { AgencyLink } from '../../components/AgencyLink';
import ButtonLink from '../../components/ButtonLink';
import ErrorAlert from '../../components/ErrorAlert';
import StatusProgress from '../../components/StatusProgress';
import { usePageTitle } from '../../components/usePageTitle';
import OverdueTable from '../supervision/OverdueTable';

const OVERDUE_PAGE_SIZE = 10;

function KindTag({ kind }: { kind: string }) {
  const { t } = useTranslation();
  const known = (AGENCY_KINDS as readonly string[]).includes(kind);
  return <Tag data-testid="agency-kind">{known ? t(`agencies.kinds.${kind as (typeof AGENCY_KINDS)[number]}`) : kind}</Tag>;
}

function TaskTable({ tasks, empty, testId, groups }: { tasks: AgencyTask[]; empty: string; testId: string; groups: Map<string, string> }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<AgencyTask> = [
    { title: t('tasks.table.number'), dataIndex: 'number', key: 'number', width: 72, align: 'center' },
    {
      title: t('agencies.detail.task'),
      dataIndex: 'title',
      key: 'title',
      render: (title: string, task) => (
        <Flex gap={8} align="center" wrap>
          <Link to={taskPath(task.plan_code, task.number)} data-testid="agency-task-link">
            {title}
          </Link>
          {task.via && (
            <Tag color="default" style={{ marginInlineEnd: 0 }}>
              {t('agencies.detail.via', { group: groups.get(task.via) ?? task.via })}
            </Tag>
          )}
        </Flex>
      ),
    },
    {
      title: t('agencies.detail.progressColumn'),
      dataIndex: 'progress_percent',
      key: 'progress',
      width: 180,
      render: (percent: number | null) =>
        percent === null ? (
          <Typography.Text type="secondary">{t('tasks.notAvailable')}</Typography.Text>
        ) : (
          <StatusProgress percent={percent} size="small" testId="agency-task-progress" />
        ),
    },
  ];
  return (
    <Table<AgencyTask>
      rowKey={(task) => `${task.plan_code}/${task.number}/${task.role}/${task.via ?? ''}`}
      columns={columns}
      dataSource={tasks}
      size="small"
      pagination={false}
      onRow={(task) => ({ 'data-testid': `${testId}-row-${task.number}` }) as HTMLAttributes<HTMLElement>}
      locale={{ emptyText: <Empty description={empty} /> }}
      data-testid={testId}
    />
  );
}

function OverdueSection({ code }: { code: string }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const overdue = useOverdueQuery({ agency: code, page, size: OVERDUE_PAGE_SIZE });

  let body;
  if (overdue.isError && isApiError(overdue.error) && (overdue.error.status === 401 || overdue.error.status === 403)) {
    body = (
      <Alert
        type="info"
        showIcon
        title={overdue.error.status === 401 ? t('agencies.overdue.signIn') : t('agencies.overdue.forbidden')}
        data-testid="overdue-restricted"
      />
    );
  } else if (overdue.isError) {
    body = <ErrorAlert error={overdue.error} title={t('agencies.overdue.loadError')} onRetry={() => void overdue.refetch()} />;
  } else {
    body = <OverdueTable data={overdue.data} loading={overdue.isFetching} page={page} onPage={setPage} showAgency={false} testId="overdue-table" />;
  }

  return (
    <Card title={t('agencies.overdue.title')} size="small" data-testid="overdue-section">
      <Typography.Paragraph type="secondary">{t('agencies.overdue.description')}</Typography.Paragraph>
      {body}
    </Card>
  );
}

function AgencyDetails({ agency }: { agency: AgencyDetail }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const groups = new Map(agency.member_of.map((membership) => [membership.group.code, agencyName(membership.group, language)]));
  const secondaryName = language.startsWith('en') ? agency.name : agency.name_en;

  return (
    <Flex vertical gap={16}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 0 }} data-testid="agency-name">
          {agencyName(agency, language)}
        </Typography.Title>
        <Typography.Text type="secondary">{secondaryName}</Typography.Text>
      </div>
      <Descriptions
        bordered
        size="small"
        column={1}
        items={[
          { key: 'code', label: t('agencies.detail.code'), children: <Typography.Text code>{agency.code}</Typography.Text> },
          { key: 'kind', label: t('agencies.detail.kind'), children: <KindTag kind={agency.kind} /> },
          ...(agency.member_of.length > 0
            ? [
                {
                  key: 'memberOf',
                  label: t('agencies.detail.memberOf'),
                  children: (
                    <Flex wrap gap={8}>
                      {agency.member_of.map((membership) => (
                        <AgencyLink key={`${membership.plan_code}/${membership.group.code}`} agency={membership.group} />
                      ))}
                    </Flex>
                  ),
                },
              ]
            : []),
          ...((agency.members ?? []).length > 0
            ? [
                {
                  key: 'members',
                  label: t('agencies.detail.members'),
                  children: (
                    <Flex wrap gap={8} data-testid="agency-members">
                      {(agency.members ?? []).map((membership) => (
                        <AgencyLink key={`${membership.plan_code}/${membership.group.code}`} agency={membership.group} />
                      ))}
                    </Flex>
                  ),
                },
              ]
            : []),
          {
            key: 'progress',
            label: t('agencies.detail.progress'),
            children:
              agency.progress_percent === null ? (
                <Typography.Text type="secondary">{t('tasks.notAvailable')}</Typography.Text>
              ) : (
                <div style={{ maxWidth: 360 }}>
                  <StatusProgress percent={agency.progress_percent} testId="agency-progress" />
                </div>
              ),
          },
        ]}
      />

      <Card title={t('agencies.detail.leads', { count: agency.leads.length })} size="small">
        <TaskTable tasks={agency.leads} empty={t('agencies.detail.noLeads')} testId="agency-leads" groups={groups} />
      </Card>
      <Card title={t('agencies.detail.shares', { count: agency.shares.length })} size="small">
        <TaskTable tasks={agency.shares} empty={t('agencies.detail.noShares')} testId="agency-shares" groups={groups} />
      </Card>
      {agency.kind !== 'group' && <OverdueSection code={agency.code} />}
    </Flex>
  );
}

export default function AgencyPage() {
  const { t, i18n } = useTranslation();
  const { code = '' } = useParams();
  const agency = useAgencyQuery(code);
  usePageTitle(agency.data ? agencyName(agency.data, i18n.resolvedLanguage ?? 'zh-CN') : t('agencies.detail.title'));

  const breadcrumb = (
    <Breadcrumb
      items={[
        { key: 'matrix', title: <Link to="/matrix">{t('matrix.title')}</Link> },
        { key: 'agency', title: agency.data ? agencyName(agency.data, i18n.resolvedLanguage ?? 'zh-CN') : code },
      ]}
    />
  );

  let body;
  if (isApiError(agency.error) && (agency.error.status === 404 || agency.error.status === 422)) {
    body = (
      <Result
        status="404"
        title={t('agencies.detail.notFound')}
        subTitle={t('agencies.detail.notFoundDescription', { code })}
        extra={<ButtonLink to="/matrix">{t('matrix.title')}</ButtonLink>}
      />
    );
  } else if (agency.isError) {
    body = <ErrorAlert error={agency.error} title={t('agencies.detail.loadError')} onRetry={() => void agency.refetch()} />;
  } else if (!agency.data) {
    body = (
      <Flex justify="center" style={{ padding: 48 }}>
        <Spin description={t('common.loading')} size="large">
          <div style={{ width: 240, height: 48 }} />
        </Spin>
      </Flex>
    );
  } else {
    body = <AgencyDetails agency={agency.data} />;
  }

  const status = agency.isError ? 'error' : agency.data ? 'ready' : 'loading';
  return (
    <Flex vertical gap={16} data-testid="agency-page" data-status={status}>
      {breadcrumb}
      {body}
    </Flex>
  );
}
