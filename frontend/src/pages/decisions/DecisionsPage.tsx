import { Breadcrumb, Button, Card, Empty, Flex, Input, Modal, Spin, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import type { Decision, DecisionOutcome, OutcomeKind } from '../../api/decisions';
import { budgetShortfall, outcomeKind, useDecide } from '../../api/decisions';
import ErrorAlert from '../../components/ErrorAlert';
import ToneTag from '../../components/ToneTag';
import type { Tone } from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../i18n/format';
import type { ApplicationSummary, CallRead } from '../applications/applicationsApi';
import { formatYuan, labelText, useApplicationsQuery, useCallQuery } from '../applications/applicationsApi';
import { fenToYuan } from '../funding/fundingApi';
import ApprovalsList from './ApprovalsList';
import ReconcilerCard from './ReconcilerCard';

// The service pages at most 100; a call's recommended list is read as one page.
const LIST_SIZE = 100;
const READY = 'ready_for_decision';

const OUTCOME_TONES: Record<OutcomeKind, Tone> = {
  approved: 'success',
  rejected: 'neutral',
  pending: 'info',
  quotaExhausted: 'warning',
  budgetShort: 'error',
  failed: 'error',
  refused: 'warning',
};

/** Calls with applications awaiting a decision, counted from the ready ones. */
function CallsAwaiting() {
  const { t } = useTranslation();
  const ready = useApplicationsQuery({ state: READY, page: 1, size: LIST_SIZE });
  const calls = new Map<number, { id: number; title: string; program: string; count: number }>();
  for (const item of ready.data?.items ?? []) {
    const call = calls.get(item.call_id) ?? { id: item.call_id, title: item.call_title, program: item.program_name, count: 0 };
    call.count += 1;
    calls.set(item.call_id, call);
  }
  const columns: TableColumnsType<{ id: number; title: string; program: string; count: number }> = [
    { title: t('decisions.calls.call'), key: 'title', render: (_: unknown, row) => <Link to={`/decisions/${row.id}`} data-testid="decision-call-link">{row.title}</Link> },
    { title: t('decisions.calls.program'), dataIndex: 'program', key: 'program', responsive: ['md'] },
    { title: t('decisions.calls.ready'), dataIndex: 'count', key: 'count', align: 'right', width: 100 },
  ];
  return (
    <Card size="small" title={t('decisions.calls.title')}>
      {ready.isError && <ErrorAlert error={ready.error} title={t('decisions.loadError')} onRetry={() => void ready.refetch()} />}
      <Table
        rowKey="id"
        columns={columns}
        dataSource={[...calls.values()]}
        loading={ready.isFetching}
        size="small"
        pagination={false}
        locale={{ emptyText: <Empty description={t('decisions.calls.empty')} /> }}
        data-testid="decision-calls"
      />
    </Card>
  );
}

function DecideModal({ ids, decision, onClose, onDecided }: { ids: number[]; decision: Decision | null; onClose: () => void; onDecided: (outcomes: DecisionOutcome[]) => void }) {
  const { t } = useTranslation();
  const decide = useDecide();
  const [comment, setComment] = useState('');
  const needsReason = decision === 'reject';
  const close = () => {
    setComment('');
    decide.reset();
    onClose();
  };
  const submit = () => {
    if (!decision || (needsReason && !comment.trim())) return;
    decide.mutate(
      { ids, decision, comment },
      {
        onSuccess: (outcomes) => {
          onDecided(outcomes);
          close();
        },
      },
    );
  };
  const title = decision === 'reject' ? t('decisions.modal.rejectTitle', { count: ids.length }) : t('decisions.modal.approveTitle', { count: ids.length });
  return (
    <Modal
      open={decision !== null}
      title={title}
      onCancel={close}
      onOk={submit}
      okText={t('decisions.modal.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={decide.isPending}
      okButtonProps={{ danger: needsReason, disabled: needsReason && !comment.trim(), ...({ 'data-testid': 'decide-confirm' } as Record<string, string>) }}
    >
      <Flex vertical gap={8} data-testid="decide-form">
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {needsReason ? t('decisions.modal.rejectHint') : t('decisions.modal.approveHint')}
        </Typography.Paragraph>
        <label htmlFor="decide-comment">{needsReason ? t('decisions.modal.reason') : t('decisions.modal.comment')}</label>
        <Input.TextArea id="decide-comment" rows={3} maxLength={2000} value={comment} onChange={(event) => setComment(event.target.value)} data-testid="decide-comment" />
        {decide.isPending && <Typography.Text type="secondary">{t('decisions.modal.working')}</Typography.Text>}
        {decide.isError && <ErrorAlert error={decide.error} title={t('decisions.modal.error')} />}
      </Flex>
    </Modal>
  );
}

/** Each application's own outcome of the last request, with the amounts when the budget is short. */
function Outcomes({ outcomes, names }: { outcomes: DecisionOutcome[]; names: Map<number, string> }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const zh = language.startsWith('zh');
  const approved = outcomes.filter((outcome) => outcome.outcome === 'approved').length;
  const columns: TableColumnsType<DecisionOutcome> = [
    {
      title: t('decisions.outcomes.application'),
      key: 'application',
      render: (_: unknown, row) => <Link to={`/applications/${row.application_id}`}>{`#${row.application_id} ${names.get(row.application_id) ?? ''}`.trim()}</Link>,
    },
    {
      title: t('decisions.outcomes.result'),
      key: 'result',
      onCell: () => ({ style: { whiteSpace: 'nowrap' } }),
      render: (_: unknown, row) => {
        const kind = outcomeKind(row);
        return (
          <ToneTag tone={OUTCOME_TONES[kind]} data-testid="outcome-kind" data-status={kind}>
            {t(`decisions.outcomes.kinds.${kind}`)}
          </ToneTag>
        );
      },
    },
    {
      title: t('decisions.outcomes.message'),
      key: 'message',
      render: (_: unknown, row) => {
        const short = outcomeKind(row) === 'budgetShort' ? budgetShortfall(row) : null;
        return (
          <div style={{ overflowWrap: 'anywhere' }}>
            <div>{zh ? row.message.zh : row.message.en}</div>
            {short && (
              <div data-testid="outcome-budget">
                <strong>{t('decisions.outcomes.budget', { available: fenToYuan(short.available, language), needed: fenToYuan(short.needed, language) })}</strong>
              </div>
            )}
          </div>
        );
      },
    },
  ];
  return (
    <Card size="small" title={t('decisions.outcomes.title')} data-testid="decision-outcomes">
      <Typography.Paragraph data-testid="outcomes-summary">{t('decisions.outcomes.summary', { approved, other: outcomes.length - approved })}</Typography.Paragraph>
      <Table<DecisionOutcome>
        rowKey="application_id"
        columns={columns}
        dataSource={outcomes}
        size="small"
        pagination={false}
        onRow={(row) => ({ 'data-testid': 'decision-outcome', 'data-key': row.application_id, 'data-status': outcomeKind(row) }) as React.HTMLAttributes<HTMLElement>}
      />
    </Card>
  );
}

function CallDecision({ call }: { call: CallRead }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const zh = language.startsWith('zh');
  const ready = useApplicationsQuery({ state: READY, call_id: call.id, page: 1, size: LIST_SIZE });
  const approved = useApplicationsQuery({ state: 'approved', call_id: call.id, page: 1, size: LIST_SIZE });
  const [selected, setSelected] = useState<number[]>([]);
  const [deciding, setDeciding] = useState<{ ids: number[]; decision: Decision } | null>(null);
  const [outcomes, setOutcomes] = useState<DecisionOutcome[] | null>(null);
  // Names of what was decided, kept for the outcome table once the applications left the list.
  const [names, setNames] = useState(new Map<number, string>());
  const items = ready.data?.items ?? [];
  const stillReady = selected.filter((id) => items.some((item) => item.id === id));
  const quota = call.quota_detail;
  const open = (ids: number[], decision: Decision) => {
    setNames(new Map([...names, ...items.filter((item) => ids.includes(item.id)).map((item) => [item.id, item.applicant_name || `#${item.id}`] as const)]));
    setDeciding({ ids, decision });
  };

  const name = (row: ApplicationSummary) => row.applicant_name || `#${row.id}`;
  const columns: TableColumnsType<ApplicationSummary> = [
    { title: '#', dataIndex: 'id', key: 'id', width: 60 },
    { title: t('applications.notices.name'), key: 'name', render: (_: unknown, row) => <Link to={`/applications/${row.id}`}>{name(row)}</Link> },
    { title: t('applications.notices.unit'), dataIndex: 'unit', key: 'unit', responsive: ['md'] },
    { title: t('applications.application.nominator'), key: 'nominator', responsive: ['lg'], render: (_: unknown, row) => (zh ? row.nominating_agency.name : row.nominating_agency.name_en) },
    { title: t('applications.list.updated'), key: 'updated', responsive: ['xl'], render: (_: unknown, row) => formatDateTime(row.updated_at, language) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, row) => (
        <Flex wrap gap={4}>
          <Button size="small" type="primary" onClick={() => open([row.id], 'approve')} data-testid="decide-approve-one">
            {t('decisions.ready.approve')}
          </Button>
          <Button size="small" danger onClick={() => open([row.id], 'reject')} data-testid="decide-reject-one">
            {t('decisions.ready.reject')}
          </Button>
        </Flex>
      ),
    },
  ];
  const approvedColumns: TableColumnsType<ApplicationSummary> = [
    { title: '#', dataIndex: 'id', key: 'id', width: 60 },
    { title: t('applications.notices.name'), key: 'name', render: (_: unknown, row) => <Link to={`/applications/${row.id}`}>{name(row)}</Link> },
    { title: t('applications.notices.unit'), dataIndex: 'unit', key: 'unit', responsive: ['md'] },
    { title: t('applications.list.state'), key: 'state', render: (_: unknown, row) => <ToneTag tone="success">{labelText(row.state_label, language)}</ToneTag> },
  ];

  return (
    <Flex vertical gap={16}>
      <Typography.Text data-testid="decision-amount">{t('decisions.call.amount', { amount: formatYuan(call.amount.amount_fen, language) })}</Typography.Text>
      <div className="tpp-figures" data-testid="decision-quota">
        {(
          [
            ['total', quota.total],
            ['approved', quota.approved],
            ['reserved', quota.reserved],
            ['remaining', quota.total - quota.approved - quota.reserved],
          ] as const
        ).map(([key, value]) => (
          <div className="tpp-figure" key={key} data-testid={`decision-quota-${key}`}>
            <span className="tpp-figure-label">{t(`decisions.call.figures.${key}`)}</span>
            <span className="tpp-figure-value">{value}</span>
          </div>
        ))}
      </div>

      {outcomes && <Outcomes outcomes={outcomes} names={names} />}

      <Card size="small" title={t('decisions.ready.title')} data-testid="decision-ready" data-status={ready.data ? 'ready' : 'loading'}>
        <Flex vertical gap={12}>
          {ready.isError && <ErrorAlert error={ready.error} title={t('decisions.loadError')} onRetry={() => void ready.refetch()} />}
          <Flex wrap gap={8} align="center">
            <Button type="primary" disabled={stillReady.length === 0} onClick={() => open(stillReady, 'approve')} data-testid="decide-approve-selected">
              {t('decisions.ready.approveSelected', { count: stillReady.length })}
            </Button>
            <Button danger disabled={stillReady.length === 0} onClick={() => open(stillReady, 'reject')} data-testid="decide-reject-selected">
              {t('decisions.ready.rejectSelected', { count: stillReady.length })}
            </Button>
            <Typography.Text type="secondary">{t('decisions.ready.count', { count: items.length, selected: stillReady.length })}</Typography.Text>
          </Flex>
          <Table<ApplicationSummary>
            rowKey="id"
            columns={columns}
            dataSource={items}
            loading={ready.isFetching}
            size="small"
            pagination={false}
            rowSelection={{
              selectedRowKeys: stillReady,
              onChange: (keys) => setSelected(keys.map(Number)),
              getCheckboxProps: (row) => ({ 'aria-label': t('decisions.ready.select', { name: name(row) }) }),
              columnTitle: undefined,
            }}
            locale={{ emptyText: <Empty description={t('decisions.ready.empty')} /> }}
            onRow={(row) => ({ 'data-testid': 'ready-row', 'data-key': row.id }) as React.HTMLAttributes<HTMLElement>}
            data-testid="ready-table"
          />
        </Flex>
      </Card>

      <Card size="small" title={t('decisions.approved.title')} data-testid="decision-approved">
        {approved.isError && <ErrorAlert error={approved.error} title={t('decisions.loadError')} onRetry={() => void approved.refetch()} />}
        <Table<ApplicationSummary>
          rowKey="id"
          columns={approvedColumns}
          dataSource={approved.data?.items ?? []}
          loading={approved.isFetching}
          size="small"
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 'max-content' }}
          expandable={{ expandedRowRender: (row) => <ApprovalsList applicationId={row.id} /> }}
          locale={{ emptyText: t('decisions.approved.empty') }}
          onRow={(row) => ({ 'data-testid': 'approved-row', 'data-key': row.id }) as React.HTMLAttributes<HTMLElement>}
        />
      </Card>

      <DecideModal
        ids={deciding?.ids ?? []}
        decision={deciding?.decision ?? null}
        onClose={() => setDeciding(null)}
        onDecided={(result) => {
          setOutcomes(result);
          setSelected([]);
        }}
      />
    </Flex>
  );
}

/**
 * 审批决定: the calls with applications awaiting a decision and the reconciler's last report; a call's
 * recommended list, approved or rejected one by one or as a batch (each its own outcome), and its approvals.
 */
export default function DecisionsPage() {
  const { t } = useTranslation();
  const id = Number(useParams().callId ?? 0);
  const call = useCallQuery(id);
  usePageTitle(call.data ? `${t('decisions.title')} · ${call.data.title}` : t('decisions.title'));
  const status = id ? (call.isError ? 'error' : call.data ? 'ready' : 'loading') : 'ready';
  return (
    <Flex vertical gap={16} data-testid="decisions-page" data-status={status}>
      {id > 0 && <Breadcrumb items={[{ title: <Link to="/decisions">{t('decisions.title')}</Link> }, { title: call.data?.title ?? `#${id}` }]} />}
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {call.data ? call.data.title : t('decisions.title')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('decisions.intro')} {call.data && <Link to={`/calls/${call.data.id}`} style={{ textDecoration: 'underline' }}>{t('decisions.call.callPage')}</Link>}
        </Typography.Text>
      </div>
      {!id && (
        <>
          <CallsAwaiting />
          <ReconcilerCard />
        </>
      )}
      {id > 0 && call.isError && <ErrorAlert error={call.error} title={t('decisions.loadError')} onRetry={() => void call.refetch()} />}
      {id > 0 && !call.data && !call.isError && <Spin />}
      {call.data && <CallDecision key={call.data.id} call={call.data} />}
    </Flex>
  );
}
