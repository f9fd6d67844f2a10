import { Table } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';

import type { AllocationRead, QuotaRead } from './applicationsApi';

/** Places per nominating city or department, with the call's totals in the last row. */
export default function QuotaTable({ quota, testId = 'quota-table', action }: { quota: QuotaRead; testId?: string; action?: (row: AllocationRead) => React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const zh = (i18n.resolvedLanguage ?? 'zh-CN').startsWith('zh');
  const columns: TableColumnsType<AllocationRead> = [
    { title: t('applications.quota.agency'), key: 'agency', render: (_: unknown, row) => (zh ? row.agency.name : row.agency.name_en) },
    { title: t('applications.quota.size'), dataIndex: 'total', key: 'total', align: 'right', width: 90 },
    { title: t('applications.quota.nominated'), dataIndex: 'nominated', key: 'nominated', align: 'right', width: 90 },
    { title: t('applications.quota.left'), dataIndex: 'nominations_left', key: 'left', align: 'right', width: 90 },
    ...(action ? [{ title: t('common.actions'), key: 'action', width: 120, render: (_: unknown, row: AllocationRead) => action(row) }] : []),
  ];
  return (
    <Table<AllocationRead>
      rowKey={(row) => row.agency.code}
      columns={columns}
      dataSource={quota.allocations}
      size="small"
      pagination={false}
      scroll={{ x: 420 }}
      data-testid={testId}
      onRow={(row) => ({ 'data-testid': `${testId}-row`, 'data-key': row.agency.code }) as React.HTMLAttributes<HTMLElement>}
      summary={() => (
        <Table.Summary.Row data-testid={`${testId}-totals`}>
          <Table.Summary.Cell index={0}>{t('applications.quota.totals', { total: quota.total, allocated: quota.allocated })}</Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right">
            {quota.allocated}
          </Table.Summary.Cell>
          <Table.Summary.Cell index={2} align="right">
            {quota.nominated}
          </Table.Summary.Cell>
          <Table.Summary.Cell index={3} align="right">
            {quota.total - quota.allocated}
          </Table.Summary.Cell>
          {action && <Table.Summary.Cell index={4} />}
        </Table.Summary.Row>
      )}
    />
  );
}
