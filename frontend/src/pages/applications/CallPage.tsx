import { Breadcrumb, Button, Descriptions, Flex, Result, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';

import { newIdempotencyKey } from '../../api/idempotency';
import { isAdmin } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import ButtonLink from '../../components/ButtonLink';
import ErrorAlert from '../../components/ErrorAlert';
import RecordFrame from '../../components/RecordFrame';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate, formatDateTime } from '../../i18n/format';
import { formatYuan, labelText, useCallQuery, useNoticesQuery, useStartApplication } from './applicationsApi';
import { callStatusTone } from './labels';
import QuotaTable from './QuotaTable';

/** A call (申报批次): the programme, amount, window, who may apply, places per city; applicants start here. */
export default function CallPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const zh = language.startsWith('zh');
  const id = Number(useParams().id);
  const call = useCallQuery(id);
  const notices = useNoticesQuery({ call_id: id });
  const { user } = useAuth();
  const navigate = useNavigate();
  const start = useStartApplication();
  const [nominator, setNominator] = useState<string>();
  const [key] = useState(() => newIdempotencyKey('application'));
  usePageTitle(call.data?.title ?? t('applications.call.title'));

  const breadcrumb = <Breadcrumb items={[{ title: <Link to="/calls">{t('applications.calls.title')}</Link> }, { title: call.data?.title ?? `#${id}` }]} />;
  if (call.isError || !call.data) {
    return <RecordFrame testId="call-page" breadcrumb={breadcrumb} query={call} errorTitle={t('applications.loadError')} />;
  }
  const data = call.data;
  const age = data.eligibility.age_max;
  const canApply = user?.role === 'applicant' && data.status === 'open';

  const apply = () => {
    if (!nominator) return;
    start.mutate(
      { key, call_id: data.id, nominating_agency: nominator, form_data: {} },
      { onSuccess: (application) => void navigate(`/applications/${application.id}`) },
    );
  };

  return (
    <Flex vertical gap={16} data-testid="call-page" data-status="ready">
      {breadcrumb}
      <div>
        <ToneTag tone={callStatusTone(data.status)}>{labelText(data.status_label, language)}</ToneTag>
        <Typography.Title level={2} style={{ marginTop: 8 }}>
          {data.title}
        </Typography.Title>
        {isAdmin(user) && (
          <ButtonLink to={`/decisions/${data.id}`} data-testid="call-decisions-link">
            {t('decisions.title')}
          </ButtonLink>
        )}
      </div>
      <Descriptions
        bordered
        size="small"
        column={1}
        items={[
          { key: 'program', label: t('applications.call.program'), children: zh ? data.program.name : data.program.name_en },
          { key: 'type', label: t('applications.calls.applicantType'), children: labelText(data.program.applicant_type_label, language) },
          {
            key: 'amount',
            label: t('applications.calls.amount'),
            children: (
              <span data-testid="call-amount">
                {formatYuan(data.amount.amount_fen, language)} {(zh ? data.amount.explanation_zh : data.amount.explanation_en) ?? ''}
              </span>
            ),
          },
          { key: 'window', label: t('applications.call.window'), children: t('applications.calls.window', { opens: formatDateTime(data.opens_at, language), closes: formatDateTime(data.closes_at, language) }) },
          { key: 'agency', label: t('applications.calls.agency'), children: zh ? data.reviewing_agency.name : data.reviewing_agency.name_en },
          {
            key: 'clause',
            label: t('applications.call.clause'),
            children: (
              <span>
                <Link to={`/tasks/${data.plan_code}/${data.program.task_number}`} style={{ textDecoration: 'underline' }}>{t('applications.calls.clause', { number: data.program.task_number })}</Link>「{data.program.quote}」
              </span>
            ),
          },
          {
            key: 'eligibility',
            label: t('applications.call.eligibility'),
            children: (
              <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="call-eligibility">
                {age && (
                  <li>
                    {t('applications.call.ageMax', { years: age.years, date: formatDate(age.cutoff_date, language) })}
                    {age.variants.map((variant) => ` ${t('applications.call.ageVariant', { who: variant.gender === 'female' ? t('applications.call.women') : (variant.discipline ?? ''), years: variant.years })}`).join('')}
                  </li>
                )}
                {data.eligibility.full_time_in_province && <li>{t('applications.call.fullTime')}</li>}
                {data.eligibility.one_application_per_cycle && <li>{t('applications.call.onePerCycle')}</li>}
                {data.eligibility.no_active_award_of_kind && <li>{t('applications.call.noActiveAward')}</li>}
              </ul>
            ),
          },
          { key: 'notice', label: t('applications.call.noticeDays'), children: t('applications.call.noticeDaysText', { notice: data.notice_working_days, objection: data.objection_working_days }) },
        ]}
      />

      <section className="tpp-panel" aria-labelledby="call-apply-title" data-testid="call-apply">
        <h3 className="tpp-panel-title tpp-panel-head" id="call-apply-title">
          {t('applications.call.apply')}
        </h3>
        {canApply ? (
          <Flex wrap gap={12} align="center" className="tpp-filters">
            <Select
              value={nominator}
              onChange={setNominator}
              placeholder={t('applications.call.chooseNominator')}
              aria-label={t('applications.call.chooseNominator')}
              options={data.nominators.map((agency) => ({ value: agency.code, label: zh ? agency.name : agency.name_en }))}
              style={{ width: 260 }}
              data-testid="apply-nominator"
            />
            <Button type="primary" disabled={!nominator} loading={start.isPending} onClick={apply} data-testid="apply-start">
              {t('applications.call.startDraft')}
            </Button>
          </Flex>
        ) : (
          <Flex wrap gap={12} align="center">
            <Typography.Text type="secondary">
              {data.status !== 'open' ? t('applications.call.notOpen') : user ? t('applications.call.applicantsOnly') : t('applications.call.signInToApply')}
            </Typography.Text>
            {!user && data.status === 'open' && <ButtonLink to={`/login?next=/calls/${data.id}`}>{t('applications.call.signIn')}</ButtonLink>}
          </Flex>
        )}
        {start.isError && <ErrorAlert error={start.error} title={t('applications.call.startError')} />}
      </section>

      <section className="tpp-panel" aria-labelledby="call-quota-title">
        <h3 className="tpp-panel-title tpp-panel-head" id="call-quota-title">
          {t('applications.call.quota', { ...data.quota })}
        </h3>
        <QuotaTable quota={data.quota_detail} testId="call-quota-table" />
      </section>

      {(notices.data?.length ?? 0) > 0 && (
        <section className="tpp-panel" aria-labelledby="call-notices-title">
          <h3 className="tpp-panel-title tpp-panel-head" id="call-notices-title">
            {t('applications.notices.title')}
          </h3>
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {notices.data!.map((notice) => (
              <li key={notice.id}>
                <Link to={`/notices/${notice.id}`}>{notice.title}</Link> · {labelText(notice.status_label, language)}
              </li>
            ))}
          </ul>
        </section>
      )}
      {Number.isNaN(id) && <Result status="404" />}
    </Flex>
  );
}
