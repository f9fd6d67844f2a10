import { Alert, App, Flex, Form, Input, InputNumber, Modal, Select, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { usePlansQuery } from '../../api/agencies';
import { newIdempotencyKey } from '../../api/idempotency';
import ErrorAlert from '../../components/ErrorAlert';
import { applyFieldErrors } from '../../components/formErrors';
import type { Reporting } from './periods';
import { reportingSchedule, todayInChina } from './periods';
import type { ReportCreate } from './reportsApi';
import { useSubmitReport } from './reportsApi';

/** What the form needs to know of the deliverable a report is for. */
export interface ReportTarget {
  code: string;
  indicator: string;
  unit: string;
  reporting: Reporting;
  due: string;
  planCode: string;
  /** Chosen in advance (an overdue period, a returned report being filed again). */
  period?: string;
  value?: number;
  narrative?: string;
}

interface FormValues {
  period: string;
  value: number | null;
  narrative: string;
  evidence: string[];
}

const URL_PATTERN = /^https?:\/\/[^\s]+$/i;

/**
 * Files the caller's agency's cumulative value for one reporting period. Only periods that have begun
 * (in China Standard Time) are offered; the unit is the deliverable's. One Idempotency-Key per opening,
 * so pressing submit twice or retrying after a lost answer files one report.
 */
export default function ReportFormModal({ target, onClose }: { target: ReportTarget | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const submit = useSubmitReport();
  const plans = usePlansQuery();
  const [idempotencyKey, setIdempotencyKey] = useState('');
  const planStart = plans.data?.find((plan) => plan.code === target?.planCode)?.period_start;

  const periods = useMemo(() => {
    if (!target || !planStart) return [];
    const today = todayInChina();
    return reportingSchedule(target.reporting, planStart, target.due).filter((period) => period.start <= today);
  }, [target, planStart]);

  useEffect(() => {
    if (!target) return;
    setIdempotencyKey(newIdempotencyKey('report'));
    submit.reset();
    form.resetFields();
    form.setFieldsValue({ value: target.value ?? null, narrative: target.narrative ?? '', evidence: [] });
    // Reset only when another deliverable (or period) is opened, not on every render of the form.
  }, [target]);

  useEffect(() => {
    if (!target || periods.length === 0 || form.getFieldValue('period')) return;
    const today = todayInChina();
    const ended = periods.filter((period) => period.end < today);
    form.setFieldValue('period', target.period ?? (ended.at(-1) ?? periods.at(-1))!.label);
  }, [target, periods, form]);

  const onFinish = (values: FormValues) => {
    if (!target) return;
    const body: ReportCreate = {
      period: values.period,
      value: values.value ?? 0,
      unit: target.unit,
      narrative: values.narrative.trim(),
      evidence: values.evidence,
    };
    submit.mutate(
      { deliverable: target.code, body, idempotencyKey },
      {
        onSuccess: () => {
          void message.success(t('reports.form.filed', { period: body.period }));
          onClose();
        },
        onError: (error) =>
          applyFieldErrors(form, error, {
            period_not_scheduled: 'period',
            period_not_started: 'period',
            report_already_pending: 'period',
            cumulative_value_decreased: 'value',
            cumulative_value_above_later: 'value',
          }),
      },
    );
  };

  return (
    <Modal
      open={target !== null}
      title={t('reports.form.title')}
      onCancel={onClose}
      okText={t('reports.form.submit')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      okButtonProps={{ loading: submit.isPending, 'data-testid': 'report-submit' }}
      destroyOnHidden
      forceRender
    >
      <Flex vertical gap={12} data-testid="report-form">
        {target && (
          <Typography.Paragraph style={{ marginBottom: 0 }}>
            <Typography.Text strong>{target.indicator}</Typography.Text>
          </Typography.Paragraph>
        )}
        {submit.isError && <ErrorAlert error={submit.error} title={t('reports.form.error')} />}
        {plans.isSuccess && target && periods.length === 0 && <Alert type="info" showIcon title={t('reports.form.noPeriods')} />}
        <Form<FormValues> form={form} layout="vertical" onFinish={onFinish} requiredMark>
          <Form.Item label={t('reports.form.period')} name="period" rules={[{ required: true, message: t('reports.form.periodRequired') }]}>
            <Select
              data-testid="report-period"
              loading={plans.isLoading}
              options={[...periods].reverse().map((period) => ({
                value: period.label,
                label: t('reports.form.periodOption', { period: period.label, start: period.start, end: period.end }),
              }))}
            />
          </Form.Item>
          <Form.Item
            label={t('reports.form.value', { unit: target?.unit ?? '' })}
            name="value"
            extra={t('reports.form.valueHelp')}
            rules={[{ required: true, message: t('reports.form.valueRequired') }]}
          >
            <InputNumber<number> min={0} max={1e12} style={{ width: '100%' }} data-testid="report-value" />
          </Form.Item>
          <Form.Item
            label={t('reports.form.narrative')}
            name="narrative"
            rules={[
              { required: true, whitespace: true, message: t('reports.form.narrativeRequired') },
              { max: 5000, message: t('reports.form.narrativeTooLong') },
            ]}
          >
            <Input.TextArea rows={4} maxLength={5000} showCount data-testid="report-narrative" />
          </Form.Item>
          <Form.Item
            label={t('reports.form.evidence')}
            name="evidence"
            extra={t('reports.form.evidenceHelp')}
            rules={[
              {
                validator: (_, value: string[] | undefined) =>
                  (value ?? []).every((link) => URL_PATTERN.test(link))
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('reports.form.evidenceInvalid'))),
              },
              { type: 'array', max: 20, message: t('reports.form.evidenceTooMany') },
            ]}
          >
            <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[' ', ',', '，']} data-testid="report-evidence" />
          </Form.Item>
        </Form>
      </Flex>
    </Modal>
  );
}
