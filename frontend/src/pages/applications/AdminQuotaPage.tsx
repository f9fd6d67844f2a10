import { Alert, Button, Card, Flex, Input, InputNumber, Select, Spin, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import ErrorAlert from '../../components/ErrorAlert';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../i18n/format';
import type { AllocationRead, CallRead, QuotaChange } from './applicationsApi';
import { useCallQuery, useCallsQuery, useQuotaChangesQuery, useSetAllocation, useSetQuota } from './applicationsApi';
import QuotaTable from './QuotaTable';

/**
 * What the service would refuse, said before asking it: allocations above the total, a total below what is
 * awarded or reserved, an allocation below what it already nominated, and no reason.
 */
export function quotaProblems(call: CallRead, total: number, sizes: Record<string, number>, reason: string, t: (key: string, options?: object) => string): string[] {
  const quota = call.quota_detail;
  const problems: string[] = [];
  const allocated = Object.values(sizes).reduce((sum, size) => sum + size, 0);
  if (allocated > total) problems.push(t('applications.quota.overTotal', { allocated, total }));
  if (total < quota.approved + quota.reserved) problems.push(t('applications.quota.belowCommitted', { committed: quota.approved + quota.reserved }));
  for (const row of quota.allocations) {
    const size = sizes[row.agency.code] ?? row.total;
    if (size < row.nominated) problems.push(t('applications.quota.belowNominated', { agency: row.agency.name, nominated: row.nominated }));
  }
  if (!reason.trim()) problems.push(t('applications.quota.reasonRequired'));
  return problems;
}

function QuotaEditor({ call, onSaved }: { call: CallRead; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = (i18n.resolvedLanguage ?? 'zh-CN').startsWith('zh');
  const setQuota = useSetQuota();
  const setAllocation = useSetAllocation();
  const [total, setTotal] = useState(call.quota_detail.total);
  const [sizes, setSizes] = useState<Record<string, number>>(() => Object.fromEntries(call.quota_detail.allocations.map((row) => [row.agency.code, row.total])));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState<string>();
  const problems = quotaProblems(call, total, sizes, reason, t as never);
  const changed = total !== call.quota_detail.total || Object.entries(sizes).some(([code, size]) => size !== (call.quota_detail.allocations.find((row) => row.agency.code === code)?.total ?? -1));
  const unallocated = call.nominators.filter((agency) => !(agency.code in sizes));

  const save = async () => {
    setError(null);
    try {
      // A larger total first, so larger allocations fit; a smaller one last, after the allocations shrank.
      const growing = total > call.quota_detail.total;
      if (growing) await setQuota.mutateAsync({ callId: call.id, total, reason: reason.trim() });
      for (const [agency, size] of Object.entries(sizes)) {
        const before = call.quota_detail.allocations.find((row) => row.agency.code === agency)?.total;
        if (before !== size) await setAllocation.mutateAsync({ callId: call.id, agency, size, reason: reason.trim() });
      }
      if (!growing && total !== call.quota_detail.total) await setQuota.mutateAsync({ callId: call.id, total, reason: reason.trim() });
      setReason('');
      onSaved();
    } catch (caught) {
      setError(caught);
    }
  };

  const rows: AllocationRead[] = [
    ...call.quota_detail.allocations,
    ...Object.keys(sizes)
      .filter((code) => !call.quota_detail.allocations.some((row) => row.agency.code === code))
      .map((code) => {
        const agency = call.nominators.find((item) => item.code === code)!;
        return { agency, total: 0, used: 0, remaining: 0, nominated: 0, nominations_left: 0 };
      }),
  ];
  const columns: TableColumnsType<AllocationRead> = [
    { title: t('applications.quota.agency'), key: 'agency', render: (_: unknown, row) => (zh ? row.agency.name : row.agency.name_en) },
    {
      title: t('applications.quota.size'),
      key: 'size',
      width: 130,
      render: (_: unknown, row) => (
        <InputNumber min={0} precision={0} value={sizes[row.agency.code]} onChange={(value) => setSizes({ ...sizes, [row.agency.code]: value ?? 0 })} aria-label={t('applications.quota.sizeOf', { agency: zh ? row.agency.name : row.agency.name_en })} style={{ width: 100 }} data-testid="allocation-size" />
      ),
    },
    { title: t('applications.quota.nominated'), dataIndex: 'nominated', key: 'nominated', align: 'right', width: 90 },
  ];
  const allocated = Object.values(sizes).reduce((sum, size) => sum + size, 0);

  return (
    <Flex vertical gap={12} data-testid="quota-editor">
      <Flex wrap gap={12} align="center">
        <label htmlFor="quota-total">{t('applications.quota.total')}</label>
        <InputNumber id="quota-total" min={0} precision={0} value={total} onChange={(value) => setTotal(value ?? 0)} data-testid="quota-total" />
        <Typography.Text type="secondary" data-testid="quota-sums">
          {t('applications.quota.sums', { allocated, total, unallocated: total - allocated, committed: call.quota_detail.approved + call.quota_detail.reserved })}
        </Typography.Text>
      </Flex>
      <Table<AllocationRead>
        rowKey={(row) => row.agency.code}
        columns={columns}
        dataSource={rows}
        size="small"
        pagination={false}
        onRow={(row) => ({ 'data-testid': 'allocation-row', 'data-key': row.agency.code }) as React.HTMLAttributes<HTMLElement>}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0}>{t('applications.quota.allocatedTotal')}</Table.Summary.Cell>
            <Table.Summary.Cell index={1}>
              <strong data-testid="allocation-sum">{allocated}</strong> / {total}
            </Table.Summary.Cell>
            <Table.Summary.Cell index={2} align="right">
              {call.quota_detail.nominated}
            </Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
      {unallocated.length > 0 && (
        <Flex wrap gap={8} align="center" className="tpp-filters">
          <Select value={adding} onChange={setAdding} placeholder={t('applications.quota.addAgency')} aria-label={t('applications.quota.addAgency')} style={{ width: 220 }} options={unallocated.map((agency) => ({ value: agency.code, label: zh ? agency.name : agency.name_en }))} />
          <Button disabled={!adding} onClick={() => { if (adding) setSizes({ ...sizes, [adding]: 0 }); setAdding(undefined); }}>
            {t('applications.quota.add')}
          </Button>
        </Flex>
      )}
      <label htmlFor="quota-reason">{t('applications.quota.reason')}</label>
      <Input.TextArea id="quota-reason" rows={2} maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} data-testid="quota-reason" />
      {changed && problems.length > 0 && (
        <Alert type="warning" showIcon title={t('applications.quota.refused')} description={<ul style={{ margin: 0, paddingInlineStart: 20 }}>{problems.map((problem) => <li key={problem}>{problem}</li>)}</ul>} data-testid="quota-problems" />
      )}
      {error !== null && <ErrorAlert error={error} title={t('applications.quota.error')} />}
      <Button type="primary" style={{ alignSelf: 'flex-start' }} disabled={!changed || problems.length > 0} loading={setQuota.isPending || setAllocation.isPending} onClick={() => void save()} data-testid="quota-save">
        {t('applications.quota.save')}
      </Button>
    </Flex>
  );
}

function Changes({ call }: { call: CallRead }) {
  const callId = call.id;
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const changes = useQuotaChangesQuery(callId);
  const columns: TableColumnsType<QuotaChange> = [
    { title: t('applications.quota.changedAt'), key: 'at', render: (_: unknown, row) => formatDateTime(row.changed_at, language) },
    { title: t('applications.quota.agency'), key: 'agency', render: (_: unknown, row) => { const agency = call.nominators.find((item) => item.code === row.agency_code); return row.agency_code ? (agency ? (language.startsWith('zh') ? agency.name : agency.name_en) : row.agency_code) : t('applications.quota.total'); } },
    { title: t('applications.quota.change'), key: 'change', render: (_: unknown, row) => `${row.before ?? '—'} → ${row.after}` },
    { title: t('applications.quota.reasonColumn'), dataIndex: 'reason', key: 'reason' },
    { title: t('applications.quota.actor'), dataIndex: 'actor', key: 'actor', responsive: ['md'] },
  ];
  return <Table<QuotaChange> rowKey="id" columns={columns} dataSource={changes.data ?? []} size="small" pagination={{ pageSize: 10, hideOnSinglePage: true }} scroll={{ x: 560 }} data-testid="quota-changes" />;
}

/** 名额管理: a call's total and its allocation per city or department, each change with a reason. */
export default function AdminQuotaPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id ?? 0);
  const calls = useCallsQuery({ page: 1, size: 50 });
  const call = useCallQuery(id);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  usePageTitle(call.data ? `${t('applications.quota.title')} · ${call.data.title}` : t('applications.quota.title'));
  return (
    <Flex vertical gap={16} data-testid="admin-quota-page" data-status={id ? (call.data ? 'ready' : 'loading') : calls.data ? 'ready' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('applications.quota.title')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('applications.quota.intro')} <Link to="/admin/programs" style={{ textDecoration: 'underline' }} data-testid="quota-programs-link">{t('applications.programs.title')}</Link>
        </Typography.Text>
      </div>
      {!id && (
        <Card size="small" title={t('applications.calls.title')}>
          {calls.isError && <ErrorAlert error={calls.error} title={t('applications.loadError')} />}
          <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="quota-calls">
            {calls.data?.items.map((item) => (
              <li key={item.id}>
                <Link to={`/admin/quotas/${item.id}`} data-testid="quota-call-link">{item.title}</Link> · {t('applications.calls.quota', { ...item.quota })}
              </li>
            ))}
          </ul>
        </Card>
      )}
      {id > 0 && call.isError && <ErrorAlert error={call.error} title={t('applications.loadError')} />}
      {id > 0 && !call.data && !call.isError && <Spin />}
      {call.data && (
        <>
          <Link to="/admin/quotas">{t('applications.quota.allCalls')}</Link>
          <Card size="small" title={call.data.title}>
            {/* A saved change shows the service's figures afresh (the editor starts again from them). */}
            <QuotaEditor key={`${call.data.id}-${call.dataUpdatedAt}`} call={call.data} onSaved={() => setSavedAt(Date.now())} />
            {savedAt !== null && <Alert style={{ marginTop: 12 }} type="success" showIcon title={t('applications.quota.saved')} data-testid="quota-saved" />}
          </Card>
          <Card size="small" title={t('applications.quota.public')}>
            <QuotaTable quota={call.data.quota_detail} testId="admin-quota-table" />
          </Card>
          <Card size="small" title={t('applications.quota.history')}>
            <Changes call={call.data} />
          </Card>
        </>
      )}
    </Flex>
  );
}
