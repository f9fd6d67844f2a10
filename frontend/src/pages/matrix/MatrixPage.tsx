import { Button, Checkbox, Empty, Flex, Input, Select, Spin, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';

import type { AgencyKind, AgencyRef, MatrixCell, OwnerRole } from '../../api/agencies';
import { AGENCY_KINDS, agencyName, agencyPath, matrixDownloadUrl, taskPath, useMatrixQuery, usePlansQuery } from '../../api/agencies';
import ErrorAlert from '../../components/ErrorAlert';
import './MatrixPage.css';
import { usePageTitle } from '../../components/usePageTitle';

function isAgencyKind(value: string | null): value is AgencyKind {
  return value !== null && (AGENCY_KINDS as readonly string[]).includes(value);
}

function RoleMark({ role, via }: { role: OwnerRole; via?: string | null }) {
  const { t } = useTranslation();
  return (
    <span className={`tpp-mark tpp-mark-${role}${via ? ' tpp-mark-via' : ''}`} data-testid="matrix-mark" data-role={role}>
      {t(`matrix.marks.${role}`)}
    </span>
  );
}

function Cell({ cell, groups }: { cell: MatrixCell | undefined; groups: Map<string, AgencyRef> }) {
  const { t, i18n } = useTranslation();
  if (!cell || cell.roles.length === 0) return null;
  const marks = (
    <Flex vertical gap={2} align="center">
      {cell.roles.map((role) => (
        <RoleMark key={role} role={role} via={cell.via} />
      ))}
    </Flex>
  );
  if (!cell.via) return marks;
  const group = groups.get(cell.via);
  const name = group ? agencyName(group, i18n.resolvedLanguage ?? 'zh-CN') : cell.via;
  return <Tooltip title={t('matrix.via', { group: name })}>{marks}</Tooltip>;
}

export default function MatrixPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('matrix.title'));
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const english = language.startsWith('en');
  const [search, setSearch] = useSearchParams();
  const plans = usePlansQuery();
  const planCode = search.get('plan') ?? plans.data?.[0]?.code ?? '';
  const expandGroups = search.get('expand') === '1';
  const kindParam = search.get('kind');
  const kind = isAgencyKind(kindParam) ? kindParam : undefined;
  const onlyLead = search.get('lead') === '1';
  const [text, setText] = useState(search.get('q') ?? '');
  const matrixParams = { plan: planCode, ...(expandGroups ? { expand_groups: true } : {}) };
  const matrix = useMatrixQuery(matrixParams);

  const setParam = (name: string, value: string | undefined) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next, { replace: true });
  };

  const groups = useMemo(() => new Map((matrix.data?.agencies ?? []).map((agency) => [agency.code, agency])), [matrix.data]);

  const { columns, rows } = useMemo(() => {
    const data = matrix.data;
    if (!data) return { columns: [], rows: [] };
    const needle = text.trim().toLowerCase();
    const rows = data.rows.filter(
      (row) => !needle || row.title.toLowerCase().includes(needle) || String(row.number) === needle,
    );
    let columns = data.agencies.filter((agency) => !kind || agency.kind === kind);
    if (onlyLead) columns = columns.filter((agency) => rows.some((row) => row.cells[agency.code]?.roles.includes('lead')));
    return { columns, rows };
  }, [matrix.data, text, kind, onlyLead]);

  const planSummary = plans.data?.find((plan) => plan.code === planCode);
  const planTitle = (english && planSummary?.title_en ? planSummary.title_en : (planSummary?.title ?? matrix.data?.plan.title)) ?? '';
  const hasPlans = plans.isSuccess && (plans.data?.length ?? 0) > 0;

  return (
    <Flex vertical gap={16} data-testid="matrix-page">
      <Flex justify="space-between" align="flex-end" wrap gap={8}>
        <div>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            {t('matrix.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{planTitle || t('matrix.description')}</Typography.Text>
        </div>
        {planCode && (
          <Flex gap={8}>
            <Button href={matrixDownloadUrl('csv', matrixParams)} download data-testid="matrix-download-csv">
              {t('matrix.download.csv')}
            </Button>
            <Button href={matrixDownloadUrl('xlsx', matrixParams)} download data-testid="matrix-download-xlsx">
              {t('matrix.download.xlsx')}
            </Button>
          </Flex>
        )}
      </Flex>

      <Flex wrap gap={12} align="center">
        {(plans.data?.length ?? 0) > 1 && (
          <Select<string>
            value={planCode}
            onChange={(code) => setParam('plan', code)}
            aria-label={t('matrix.plan')}
            style={{ minWidth: 280 }}
            data-testid="matrix-plan"
            options={plans.data!.map((plan) => ({ value: plan.code, label: plan.title }))}
          />
        )}
        <Input
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setParam('q', event.target.value.trim() || undefined);
          }}
          placeholder={t('matrix.filters.text')}
          aria-label={t('matrix.filters.text')}
          allowClear
          style={{ width: 260 }}
          data-testid="matrix-filter-text"
        />
        <Select<AgencyKind>
          value={kind}
          onChange={(value) => setParam('kind', value)}
          allowClear
          placeholder={t('matrix.filters.allKinds')}
          aria-label={t('matrix.filters.kind')}
          style={{ width: 180 }}
          data-testid="matrix-filter-kind"
          options={AGENCY_KINDS.map((value) => ({ value, label: t(`agencies.kinds.${value}`) }))}
        />
        <Checkbox checked={expandGroups} onChange={(event) => setParam('expand', event.target.checked ? '1' : undefined)} data-testid="matrix-expand">
          {t('matrix.filters.expandGroups')}
        </Checkbox>
        <Checkbox checked={onlyLead} onChange={(event) => setParam('lead', event.target.checked ? '1' : undefined)} data-testid="matrix-only-lead">
          {t('matrix.filters.onlyLead')}
        </Checkbox>
        <Flex gap={6} align="center">
          <Typography.Text type="secondary">{t('matrix.legend')}</Typography.Text>
          <RoleMark role="lead" />
          <RoleMark role="responsible" />
        </Flex>
      </Flex>

      {plans.isError && <ErrorAlert error={plans.error} title={t('matrix.loadError')} onRetry={() => void plans.refetch()} />}
      {matrix.isError && <ErrorAlert error={matrix.error} title={t('matrix.loadError')} onRetry={() => void matrix.refetch()} />}
      {plans.isSuccess && !hasPlans && !search.get('plan') && <Empty description={t('matrix.noPlans')} />}

      {(plans.isLoading || (matrix.isLoading && Boolean(planCode))) && (
        <Flex justify="center" style={{ padding: 48 }} data-testid="matrix-loading">
          <Spin description={t('common.loading')} size="large">
            <div style={{ width: 240, height: 48 }} />
          </Spin>
        </Flex>
      )}

      {matrix.data && (
        <>
          <Typography.Text type="secondary" data-testid="matrix-caption">
            {t('matrix.caption', { plan: planTitle, tasks: rows.length, agencies: columns.length })}
          </Typography.Text>
          {rows.length === 0 ? (
            <Empty description={t('matrix.empty')} />
          ) : (
            <div className="tpp-matrix-scroll" style={{ opacity: matrix.isPlaceholderData ? 0.5 : 1 }}>
              <table className="tpp-matrix" data-testid="matrix-table" aria-label={t('matrix.title')}>
                <thead>
                  <tr>
                    <th className="tpp-matrix-task" scope="col">
                      {t('matrix.corner')}
                    </th>
                    {columns.map((agency) => (
                      <th key={agency.code} scope="col" data-testid={`matrix-col-${agency.code}`} title={agency.name}>
                        <Link to={agencyPath(agency.code)} className={english ? 'tpp-matrix-agency-en' : 'tpp-matrix-agency'}>
                          {agencyName(agency, language)}
                        </Link>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.number} data-testid={`matrix-row-${row.number}`}>
                      <th className="tpp-matrix-task" scope="row">
                        <Link to={taskPath(matrix.data.plan.code, row.number)}>
                          {row.number}. {row.title}
                        </Link>
                      </th>
                      {columns.map((agency) => (
                        <td key={agency.code} className="tpp-matrix-cell" data-agency={agency.code}>
                          <Cell cell={row.cells[agency.code]} groups={groups} />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Flex>
  );
}
