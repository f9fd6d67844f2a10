import { Alert, Button, Flex, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { newIdempotencyKey } from '../../api/idempotency';
import ErrorAlert from '../../components/ErrorAlert';
import { applyFieldErrors } from '../../components/formErrors';
import { formatDate } from '../../i18n/format';
import type { NoticeEntry, NoticeRead, ObjectionCreate } from './applicationsApi';
import { labelText, useFileObjection } from './applicationsApi';

export interface ObjectionTarget {
  notice: NoticeRead;
  entry: NoticeEntry;
}

/** 实名异议: the filer's name and a phone or e-mail are required, as the notices say (anonymous ones are refused). */
export default function ObjectionModal({ target, onClose }: { target: ObjectionTarget | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const [form] = Form.useForm<Omit<ObjectionCreate, 'application_id'>>();
  const file = useFileObjection();
  const [key, setKey] = useState(() => newIdempotencyKey('objection'));
  const [receipt, setReceipt] = useState<string | null>(null);

  const close = () => {
    form.resetFields();
    file.reset();
    setReceipt(null);
    setKey(newIdempotencyKey('objection'));
    onClose();
  };
  const submit = (values: Omit<ObjectionCreate, 'application_id'>) => {
    if (!target) return;
    file.mutate(
      { noticeId: target.notice.id, key, application_id: target.entry.application_id, ...values },
      {
        onSuccess: (result) => setReceipt(t('applications.objection.filed', { id: result.id, date: formatDate(result.resolve_by, language) })),
        onError: (error) => applyFieldErrors(form, error),
      },
    );
  };

  return (
    <Modal
      open={target !== null}
      title={target ? t('applications.objection.title', { name: target.entry.applicant_name }) : ''}
      onCancel={close}
      footer={null}
      destroyOnHidden
    >
      {receipt ? (
        <Flex vertical gap={12}>
          <Alert type="success" showIcon title={receipt} data-testid="objection-receipt" />
          <Button onClick={close}>{t('applications.close')}</Button>
        </Flex>
      ) : (
        <Form form={form} layout="vertical" onFinish={submit} data-testid="objection-form" requiredMark>
          <Typography.Paragraph type="secondary">{target ? labelText(target.notice.objection_rules, language) : ''}</Typography.Paragraph>
          <Form.Item name="filer_name" label={t('applications.objection.name')} rules={[{ required: true, whitespace: true, message: t('applications.objection.nameRequired') }]}>
            <Input maxLength={100} autoComplete="name" data-testid="objection-name" />
          </Form.Item>
          <Form.Item name="filer_contact" label={t('applications.objection.contact')} rules={[{ required: true, whitespace: true, message: t('applications.objection.contactRequired') }]}>
            <Input maxLength={200} autoComplete="tel" data-testid="objection-contact" />
          </Form.Item>
          <Form.Item name="filer_unit" label={t('applications.objection.unit')}>
            <Input maxLength={200} data-testid="objection-unit" />
          </Form.Item>
          <Form.Item name="reason" label={t('applications.objection.reason')} rules={[{ required: true, whitespace: true, message: t('applications.objection.reasonRequired') }]}>
            <Input.TextArea rows={4} maxLength={2000} data-testid="objection-reason" />
          </Form.Item>
          {file.isError && <ErrorAlert error={file.error} title={t('applications.objection.error')} />}
          <Flex gap={8} justify="flex-end" style={{ marginTop: 12 }}>
            <Button onClick={close}>{t('applications.cancel')}</Button>
            <Button type="primary" htmlType="submit" loading={file.isPending} data-testid="objection-submit">
              {t('applications.objection.submit')}
            </Button>
          </Flex>
        </Form>
      )}
    </Modal>
  );
}
