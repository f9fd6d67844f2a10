import { Button, Flex, Input, Modal, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { ApprovalRead } from '../../api/decisions';
import { useApprovalsQuery, useRevokeApproval } from '../../api/decisions';
import ErrorAlert from '../../components/ErrorAlert';
import ToneTag from '../../components/ToneTag';
import type { Tone } from '../../components/ToneTag';
import { formatDateTime } from '../../i18n/format';
import { fenToYuan } from '../funding/fundingApi';

const STATUS_TONES: Record<string, Tone> = { approved: 'success', reserving: 'info', failed: 'error', revoked: 'warning' };

function RevokeModal({ approval, onClose }: { approval: ApprovalRead | null; onClose: () => void }) {
  const { t } = useTranslation();
  const revoke = useRevokeApproval();
  const [reason, setReason] = useState('');
  const close = () => {
    setReason('');
    revoke.reset();
    onClose();
  };
  const submit = () => {
    if (!approval || !reason.trim()) return;
    revoke.mutate({ approvalId: approval.id, reason }, { onSuccess: close });
  };
  return (
    <Modal
      open={approval !== null}
      title={approval ? t('decisions.approvals.revokeTitle', { id: approval.id }) : ''}
      onCancel={close}
      onOk={submit}
      okText={t('decisions.approvals.revoke')}
      cancelText={t('common.cancel')}
      confirmLoading={revoke.isPending}
      okButtonProps={{ danger: true, disabled: !reason.trim(), ...({ 'data-testid': 'revoke-confirm' } as Record<string, string>) }}
    >
      <Flex vertical gap={8}>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('decisions.approvals.revokeHint')}
        </Typography.Paragraph>
        <label htmlFor="revoke-reason">{t('decisions.approvals.reason')}</label>
        <Input.TextArea id="revoke-reason" rows={3} maxLength={2000} value={reason} onChange={(event) => setReason(event.target.value)} data-testid="revoke-reason" />
        {revoke.isError && <ErrorAlert error={revoke.error} title={t('decisions.approvals.revokeError')} />}
      </Flex>
    </Modal>
  );
}

/** Every attempt to approve an application: status, the money funding holds, counted or not; an approved one
 * may be revoked (撤销) with a reason. Administrators only (the service refuses others). */
export default function ApprovalsList({ applicationId }: { applicationId: number }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const zh = language.startsWith('zh');
  const approvals = useApprovalsQuery(applicationId);
  const [revoking, setRevoking] = useState<ApprovalRead | null>(null);
  const columns: TableColumnsType<ApprovalRead> = [
    {
      title: t('decisions.approvals.id'),
      key: 'id',
      render: (_: unknown, row) => (row.money === 'none' || row.money === 'refused' ? <code>{row.id}</code> : <Link to={`/funding/awards/${encodeURIComponent(row.id)}`} title={t('decisions.approvals.award')}><code>{row.id}</code></Link>),
    },
    {
      title: t('decisions.approvals.status'),
      key: 'status',
      render: (_: unknown, row) => (
        <ToneTag tone={STATUS_TONES[row.status] ?? 'neutral'} data-testid="approval-status" data-status={row.status}>
          {t(`decisions.approvals.statuses.${row.status as 'approved'}`, { defaultValue: row.status })}
        </ToneTag>
      ),
    },
    { title: t('decisions.approvals.money'), key: 'money', render: (_: unknown, row) => t(`decisions.approvals.moneys.${row.money as 'none'}`, { defaultValue: row.money }) },
    { title: t('decisions.approvals.amount'), key: 'amount', align: 'right', render: (_: unknown, row) => fenToYuan(row.amount_fen, language) },
    { title: t('decisions.approvals.counted'), key: 'counted', responsive: ['md'], render: (_: unknown, row) => (row.counted ? t('common.yes') : t('common.no')) },
    { title: t('decisions.approvals.at'), key: 'at', responsive: ['lg'], render: (_: unknown, row) => formatDateTime(row.created_at, language) },
    {
      title: t('decisions.approvals.note'),
      key: 'note',
      render: (_: unknown, row) =>
        row.status === 'revoked'
          ? t('decisions.approvals.revokedBecause', { who: row.revoked_by ?? '', reason: row.revoke_reason ?? '' })
          : ((zh ? row.failure_zh : row.failure_en) ?? ''),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, row) =>
        row.status === 'approved' ? (
          <Button size="small" danger onClick={() => setRevoking(row)} data-testid="approval-revoke">
            {t('decisions.approvals.revoke')}
          </Button>
        ) : null,
    },
  ];
  return (
    <>
      {approvals.isError && <ErrorAlert error={approvals.error} title={t('decisions.loadError')} onRetry={() => void approvals.refetch()} />}
      <Table<ApprovalRead>
        rowKey="id"
        columns={columns}
        dataSource={approvals.data ?? []}
        loading={approvals.isFetching}
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('decisions.approvals.empty') }}
        onRow={(row) => ({ 'data-testid': 'approval-row', 'data-key': row.id, 'data-status': row.status }) as React.HTMLAttributes<HTMLElement>}
        data-testid="approvals-table"
      />
      <RevokeModal approval={revoking} onClose={() => setRevoking(null)} />
    </>
  );
}
