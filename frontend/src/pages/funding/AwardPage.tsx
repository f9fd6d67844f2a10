import { Alert, Breadcrumb, Button, Card, Descriptions, Flex, Input, Popconfirm, Select, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { newIdempotencyKey } from '../../api/idempotency';
import { isAdmin } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import AgencyName from '../../components/AgencyName';
import ErrorAlert from '../../components/ErrorAlert';
import RecordFrame from '../../components/RecordFrame';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../i18n/format';
import { awardStatusTone } from './awardStatus';
import type { AwardRead, InstallmentRead } from './fundingApi';
import { fenToYuan, useAwardQuery, useDisburse, useFundingReport, useRecordMatch, useReleaseAward, yuanToFen } from './fundingApi';

/** 记录拨付: an unpaid installment of a committed award, its amount in yuan; paid once whatever the retries. */
function DisburseForm({ award }: { award: AwardRead }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const disburse = useDisburse();
  const unpaid = award.installments.filter((item) => !item.paid);
  const [number, setNumber] = useState<number | undefined>(unpaid[0]?.number);
  const [key, setKey] = useState(() => newIdempotencyKey('disbursement'));
  const [done, setDone] = useState<{ number: number; amount: number } | null>(null);
  const chosen = unpaid.find((item) => item.number === number);
  const overRemaining = chosen !== undefined && chosen.amount_fen > award.remaining_fen;

  if (award.status !== 'committed') {
    return <Typography.Text type="secondary" data-testid="disburse-closed">{t('funding.award.disburse.notCommitted', { status: t(`funding.award.statuses.${award.status}`) })}</Typography.Text>;
  }
  if (unpaid.length === 0 && !done) return <Typography.Text type="secondary">{t('funding.award.disburse.allPaid')}</Typography.Text>;

  const pay = () => {
    if (!chosen) return;
    setDone(null);
    disburse.mutate(
      { awardId: award.id, installment: chosen.number, key },
      {
        onSuccess: (result) => {
          setDone({ number: chosen.number, amount: result.transfer.effective_amount });
          setKey(newIdempotencyKey('disbursement'));
          setNumber(result.award.installments.find((item) => !item.paid)?.number);
        },
      },
    );
  };
  return (
    <Flex vertical gap={8} data-testid="disburse-form">
      {unpaid.length > 0 && (
        <Flex wrap gap={8} align="center" className="tpp-filters">
          <label htmlFor="disburse-installment">{t('funding.award.disburse.choose')}</label>
          <Select
            id="disburse-installment"
            value={number}
            onChange={(value) => {
              setNumber(value);
              setKey(newIdempotencyKey('disbursement'));
            }}
            style={{ minWidth: 240, maxWidth: '100%' }}
            options={unpaid.map((item) => ({ value: item.number, label: t('funding.award.disburse.option', { number: item.number, percent: item.percent, amount: fenToYuan(item.amount_fen, language) }) }))}
            data-testid="disburse-installment"
          />
          <Popconfirm
            title={chosen ? t('funding.award.disburse.confirm', { amount: fenToYuan(chosen.amount_fen, language), number: chosen.number }) : ''}
            onConfirm={pay}
            okText={t('common.confirm')}
            cancelText={t('common.cancel')}
            okButtonProps={{ 'data-testid': 'disburse-confirm' } as Record<string, string>}
            disabled={!chosen || overRemaining}
          >
            <Button type="primary" disabled={!chosen || overRemaining} loading={disburse.isPending} data-testid="disburse-submit">
              {t('funding.award.disburse.submit')}
            </Button>
          </Popconfirm>
        </Flex>
      )}
      {chosen && <Typography.Text data-testid="disburse-amount">{t('funding.award.disburse.amount', { amount: fenToYuan(chosen.amount_fen, language) })}</Typography.Text>}
      {overRemaining && <Alert type="warning" showIcon title={t('funding.award.disburse.overRemaining', { amount: fenToYuan(chosen.amount_fen, language), remaining: fenToYuan(award.remaining_fen, language) })} data-testid="disburse-over" />}
      {done && <Alert type="success" showIcon title={t('funding.award.disburse.done', { number: done.number, amount: fenToYuan(done.amount, language) })} data-testid="disburse-done" />}
      {disburse.isError && <ErrorAlert error={disburse.error} title={t('funding.award.disburse.error')} />}
    </Flex>
  );
}

/** A matching award: the national funds received (typed in yuan, sent in fen), matched up to the award's cap. */
function MatchForm({ award }: { award: AwardRead }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const match = useRecordMatch();
  const [eventId, setEventId] = useState('');
  const [base, setBase] = useState('');
  const fen = yuanToFen(base);
  const invalid = base.trim() !== '' && (fen === null || fen <= 0);
  const submit = () => {
    if (!eventId.trim() || fen === null || fen <= 0) return;
    match.mutate({ awardId: award.id, eventId: eventId.trim(), baseAmountFen: fen }, { onSuccess: () => { setEventId(''); setBase(''); } });
  };
  return (
    <Flex vertical gap={8} data-testid="match-form">
      <Flex wrap gap={8} align="center" className="tpp-filters">
        <Input value={eventId} onChange={(event) => setEventId(event.target.value)} placeholder={t('funding.award.match.event')} aria-label={t('funding.award.match.event')} maxLength={100} style={{ width: 200 }} data-testid="match-event" />
        <Input value={base} onChange={(event) => setBase(event.target.value)} placeholder={t('funding.award.match.base')} aria-label={t('funding.award.match.base')} inputMode="decimal" status={invalid ? 'error' : undefined} style={{ width: 220 }} data-testid="match-base" />
        <Button type="primary" disabled={!eventId.trim() || fen === null || fen <= 0} loading={match.isPending} onClick={submit} data-testid="match-submit">
          {t('funding.award.match.submit')}
        </Button>
      </Flex>
      {invalid && <Typography.Text type="danger">{t('funding.award.match.invalid')}</Typography.Text>}
      {match.isSuccess && <Alert type="success" showIcon title={t('funding.award.match.done', { amount: fenToYuan(match.data.matched_fen, language) })} />}
      {match.isError && <ErrorAlert error={match.error} title={t('funding.award.match.error')} />}
    </Flex>
  );
}

/** End a committed award: what is committed and unpaid goes back, with a reason. */
function ReleaseForm({ award }: { award: AwardRead }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const release = useReleaseAward();
  const [reason, setReason] = useState('');
  const [key] = useState(() => newIdempotencyKey('release'));
  return (
    <Flex vertical gap={8} data-testid="release-form">
      <label htmlFor="release-reason">{t('funding.award.release.reason')}</label>
      <Input.TextArea id="release-reason" rows={2} maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} data-testid="release-reason" />
      <Button danger style={{ alignSelf: 'flex-start' }} disabled={!reason.trim()} loading={release.isPending} onClick={() => release.mutate({ awardId: award.id, reason, key })} data-testid="release-submit">
        {t('funding.award.release.submit')}
      </Button>
      {release.isSuccess && <Alert type="success" showIcon title={t('funding.award.release.done', { amount: fenToYuan(release.data.released_fen, language) })} />}
      {release.isError && <ErrorAlert error={release.error} title={t('funding.award.release.error')} />}
    </Flex>
  );
}

/** 资助详情: an award's figures, its installments and what has been paid; administrators record payments. */
export default function AwardPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const id = useParams().id ?? '';
  const { user } = useAuth();
  const award = useAwardQuery(id);
  // Programme names from the public report (the award names its programme by code).
  const programs = useFundingReport('programs', undefined);
  usePageTitle(award.data ? `${t('funding.award.title')} · ${award.data.grantee_name ?? award.data.id}` : t('funding.award.title'));
  const breadcrumb = <Breadcrumb items={[{ title: <Link to="/funding">{t('funding.title')}</Link> }, { title: <Link to="/funding/awards">{t('funding.awardList.title')}</Link> }, { title: id }]} />;

  if (award.isError || !award.data) {
    return <RecordFrame testId="award-page" breadcrumb={breadcrumb} query={award} errorTitle={t('funding.award.loadError')} />;
  }
  const data = award.data;
  const programRow = programs.data?.rows.find((row) => 'program_code' in row && row.program_code === data.program_code);
  const programName = programRow && 'program_name' in programRow ? (programRow.program_name ?? data.program_code) : data.program_code;
  const applicationId = data.application_id && /^\d+$/.test(data.application_id) ? data.application_id : null;
  const figures = [
    ['amount', data.amount_fen],
    ['committed', data.committed_fen],
    ['paid', data.paid_fen],
    ['remaining', data.remaining_fen],
    ...(data.released_fen > 0 ? [['released', data.released_fen] as const] : []),
  ] as const;
  const columns: TableColumnsType<InstallmentRead> = [
    { title: t('funding.award.installment'), key: 'number', render: (_: unknown, row) => t('funding.award.nth', { number: row.number }) },
    { title: t('funding.award.percent'), key: 'percent', align: 'right', render: (_: unknown, row) => `${row.percent}%` },
    { title: t('funding.award.installmentAmount'), key: 'amount', align: 'right', render: (_: unknown, row) => fenToYuan(row.amount_fen, language) },
    {
      title: t('funding.award.state'),
      key: 'paid',
      render: (_: unknown, row) => (
        <ToneTag tone={row.paid ? 'success' : 'neutral'} data-testid="installment-paid" data-status={row.paid ? 'paid' : 'unpaid'}>
          {row.paid ? t('funding.award.paidTag') : t('funding.award.unpaidTag')}
        </ToneTag>
      ),
    },
    { title: t('funding.award.transfer'), key: 'transfer', responsive: ['md'], render: (_: unknown, row) => (row.transfer_id ? <code>{row.transfer_id}</code> : '—') },
  ];

  return (
    <Flex vertical gap={16} data-testid="award-page" data-status="ready">
      {breadcrumb}
      <div>
        <ToneTag tone={awardStatusTone(data.status)} data-testid="award-status" data-status={data.status}>
          {t(`funding.award.statuses.${data.status}`)}
        </ToneTag>
        <Typography.Title level={2} style={{ marginTop: 8, marginBottom: 0, overflowWrap: 'anywhere' }}>
          {data.grantee_name ?? data.id}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ overflowWrap: 'anywhere' }}>
          <code>{data.id}</code>
        </Typography.Text>
      </div>
      <div className="tpp-figures tpp-figures-money" data-testid="award-figures">
        {figures.map(([name, fen]) => (
          <div className="tpp-figure" key={name} data-testid={`award-${name}`} data-value={fen}>
            <span className="tpp-figure-label">{t('funding.award.inYuan', { label: t(`funding.award.${name}`) })}</span>
            <span className="tpp-figure-value">{(fen / 100).toLocaleString(language.startsWith('zh') ? 'zh-CN' : 'en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}</span>
          </div>
        ))}
      </div>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 'program', label: t('funding.award.program'), children: programName },
          { key: 'year', label: t('funding.award.year'), children: data.fiscal_year },
          { key: 'city', label: t('funding.award.city'), children: data.city_code ? <AgencyName code={data.city_code} /> : '—' },
          { key: 'agency', label: t('funding.award.agency'), children: data.agency_code ? <AgencyName code={data.agency_code} /> : '—' },
          { key: 'application', label: t('funding.award.application'), children: applicationId ? <Link to={`/applications/${applicationId}`}>#{applicationId}</Link> : (data.application_id ?? '—') },
          { key: 'created', label: t('funding.award.createdAt'), children: formatDateTime(data.created_at, language) },
          ...(data.status === 'reserved' && data.expires_at ? [{ key: 'expires', label: t('funding.award.expiresAt'), children: formatDateTime(data.expires_at, language) }] : []),
        ]}
      />
      {data.matching && <Alert type="info" showIcon title={t('funding.award.matching')} />}
      <Card size="small" title={t('funding.award.installments')}>
        <Table<InstallmentRead>
          rowKey="number"
          columns={columns}
          dataSource={data.installments}
          size="small"
          pagination={false}
          scroll={{ x: 'max-content' }}
          onRow={(row) => ({ 'data-testid': 'installment-row', 'data-key': row.number }) as React.HTMLAttributes<HTMLElement>}
          data-testid="installments-table"
        />
      </Card>
      <Card size="small" title={data.matching ? t('funding.award.match.title') : t('funding.award.disburse.title')}>
        {!isAdmin(user) ? (
          <Typography.Text type="secondary">{t('funding.award.disburse.adminOnly')}</Typography.Text>
        ) : data.matching ? (
          data.status === 'committed' ? <MatchForm award={data} /> : <Typography.Text type="secondary">{t('funding.award.disburse.notCommitted', { status: t(`funding.award.statuses.${data.status}`) })}</Typography.Text>
        ) : (
          <DisburseForm key={data.id} award={data} />
        )}
      </Card>
      {isAdmin(user) && data.status === 'committed' && data.remaining_fen > 0 && (
        <Card size="small" title={t('funding.award.release.title')}>
          <ReleaseForm award={data} />
        </Card>
      )}
    </Flex>
  );
}
