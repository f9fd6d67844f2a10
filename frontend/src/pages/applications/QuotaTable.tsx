import { useTranslation } from 'react-i18next';

import type { QuotaRead } from './applicationsApi';

/** Places per nominating city or department, with the call's totals in the last row (plain HTML: public pages show it). */
export default function QuotaTable({ quota, testId = 'quota-table' }: { quota: QuotaRead; testId?: string }) {
  const { t, i18n } = useTranslation();
  const zh = (i18n.resolvedLanguage ?? 'zh-CN').startsWith('zh');
  return (
    <div className="tpp-plain-table-scroll">
      <table className="tpp-plain-table" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{t('applications.quota.agency')}</th>
            <th scope="col" className="tpp-number">
              {t('applications.quota.size')}
            </th>
            <th scope="col" className="tpp-number">
              {t('applications.quota.nominated')}
            </th>
            <th scope="col" className="tpp-number">
              {t('applications.quota.left')}
            </th>
          </tr>
        </thead>
        <tbody>
          {quota.allocations.map((row) => (
            <tr key={row.agency.code} data-testid={`${testId}-row`} data-key={row.agency.code}>
              <th scope="row" style={{ fontWeight: 'normal' }}>
                {zh ? row.agency.name : row.agency.name_en}
              </th>
              <td className="tpp-number">{row.total}</td>
              <td className="tpp-number">{row.nominated}</td>
              <td className="tpp-number">{row.nominations_left}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-testid={`${testId}-totals`}>
            <th scope="row">{t('applications.quota.totals', { total: quota.total, allocated: quota.allocated })}</th>
            <td className="tpp-number">{quota.allocated}</td>
            <td className="tpp-number">{quota.nominated}</td>
            <td className="tpp-number">{quota.total - quota.allocated}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
