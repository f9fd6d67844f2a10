import { Button, Flex, InputNumber, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import ErrorAlert from '../../components/ErrorAlert';
import { usePageTitle } from '../../components/usePageTitle';
import type { ProgramSummary } from './applicationsApi';
import { formatYuan, labelText, useProgramsQuery, useUpdateProgram } from './applicationsApi';

/** The administrator sets the amount of a rule the plan leaves open (奖补 with no amount); others come from the rule. */
function AmountEditor({ program }: { program: ProgramSummary }) {
  const { t } = useTranslation();
  const update = useUpdateProgram();
  const [yuan, setYuan] = useState<number | null>(program.amount.amount_fen === null ? null : program.amount.amount_fen / 100);
  return (
    <Flex vertical gap={4}>
      <Flex gap={8} align="center" wrap>
        <InputNumber min={1} precision={0} value={yuan} onChange={setYuan} aria-label={t('applications.programs.amountYuan', { name: program.name })} style={{ width: 150 }} addonAfter={t('applications.programs.yuan')} data-testid="program-amount" />
        <Button size="small" disabled={!yuan} loading={update.isPending} onClick={() => yuan && update.mutate({ code: program.code, decided_amount_fen: yuan * 100 })} data-testid="program-amount-save">
          {t('applications.programs.save')}
        </Button>
      </Flex>
      {update.isError && <ErrorAlert error={update.error} title={t('applications.programs.error')} />}
    </Flex>
  );
}

/** 项目管理: every programme with its rule and amount; open rules get their amount here. */
export default function AdminProgramsPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const zh = language.startsWith('zh');
  usePageTitle(t('applications.programs.title'));
  const programs = useProgramsQuery(1, 100);
  const columns: TableColumnsType<ProgramSummary> = [
    { title: t('applications.notices.program'), key: 'name', render: (_: unknown, row) => (zh ? row.name : row.name_en) },
    { title: t('applications.calls.task'), key: 'task', width: 80, render: (_: unknown, row) => row.task_number },
    { title: t('applications.calls.applicantType'), key: 'type', width: 90, responsive: ['md'], render: (_: unknown, row) => labelText(row.applicant_type_label, language) },
    { title: t('applications.calls.agency'), key: 'agency', responsive: ['lg'], render: (_: unknown, row) => (zh ? row.reviewing_agency.name : row.reviewing_agency.name_en) },
    { title: t('applications.programs.planQuota'), key: 'quota', width: 100, align: 'right', render: (_: unknown, row) => (row.plan_quota === null ? '—' : `${row.plan_quota_approximate ? '≈' : ''}${row.plan_quota}`) },
    {
      title: t('applications.calls.amount'),
      key: 'amount',
      width: 260,
      render: (_: unknown, row) => (row.rule_kind === 'unspecified' ? <AmountEditor program={row} /> : formatYuan(row.amount.amount_fen, language)),
    },
  ];
  return (
    <Flex vertical gap={16} data-testid="admin-programs-page" data-status={programs.data ? 'ready' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('applications.programs.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('applications.programs.intro')}</Typography.Text>
      </div>
      {programs.isError && <ErrorAlert error={programs.error} title={t('applications.loadError')} onRetry={() => void programs.refetch()} />}
      <Table<ProgramSummary>
        rowKey="code"
        columns={columns}
        dataSource={programs.data?.items ?? []}
        loading={programs.isFetching}
        size="small"
        pagination={{ pageSize: 30, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 640 }}
        onRow={(row) => ({ 'data-testid': 'program-row', 'data-key': row.code }) as React.HTMLAttributes<HTMLElement>}
        data-testid="programs-table"
      />
    </Flex>
  );
}
