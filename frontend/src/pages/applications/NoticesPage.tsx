import { Alert, Button, Card, Empty, Flex, Form, Input, Modal, Segmented, Spin, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';

import { newIdempotencyKey } from '../../api/idempotency';
import ErrorAlert from '../../components/ErrorAlert';
import { applyFieldErrors } from '../../components/formErrors';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate, formatDateTime } from '../../i18n/format';
import type { NoticeEntry, NoticeRead, ObjectionCreate } from './applicationsApi';
import { formatYuan, labelText, useFileObjection, useNoticeQuery, useNoticesQuery } from './applicationsApi';

interface ObjectionTarget {
  notice: NoticeRead;
  entry: NoticeEntry;
}

/** 实名异议: the filer's name and a phone or e-mail are required, as the notices say (anonymous ones are refused). */
function ObjectionModal({ target, onClose }: { target: ObjectionTarget | null; onClose: () => void }) {
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

function NoticeCard({ notice, onObject }: { notice: NoticeRead; onObject: (target: ObjectionTarget) => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const columns: TableColumnsType<NoticeEntry> = [
    { title: t('applications.notices.name'), dataIndex: 'applicant_name', key: 'name' },
    { title: t('applications.notices.unit'), dataIndex: 'unit', key: 'unit' },
    { title: t('applications.notices.program'), dataIndex: 'program_name', key: 'program', responsive: ['md'] },
    { title: t('applications.calls.amount'), key: 'amount', align: 'right', render: (_: unknown, entry) => formatYuan(entry.amount_fen, language) },
    ...(notice.status === 'open'
      ? [
          {
            title: t('common.actions'),
            key: 'object',
            width: 110,
            render: (_: unknown, entry: NoticeEntry) => (
              <Button size="small" onClick={() => onObject({ notice, entry })} data-testid="notice-object">
                {t('applications.objection.open')}
              </Button>
            ),
          },
        ]
      : []),
  ];
  return (
    <Card
      size="small"
      data-testid="notice-card"
      data-status={notice.status}
      title={
        <Flex wrap gap={8} align="center">
          <ToneTag tone={notice.status === 'open' ? 'info' : 'neutral'}>{labelText(notice.status_label, language)}</ToneTag>
          <Link to={`/notices/${notice.id}`}>{notice.title}</Link>
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('applications.notices.period', { start: formatDate(notice.starts_on, language), end: formatDate(notice.ends_on, language), days: notice.working_days })} ·{' '}
        {t('applications.notices.published', { at: formatDateTime(notice.published_at, language) })} · {language.startsWith('zh') ? notice.reviewing_agency.name : notice.reviewing_agency.name_en}
      </Typography.Paragraph>
      <Table<NoticeEntry>
        rowKey="application_id"
        columns={columns}
        dataSource={notice.entries}
        size="small"
        pagination={false}
        onRow={(entry) => ({ 'data-testid': 'notice-entry', 'data-key': entry.application_id }) as React.HTMLAttributes<HTMLElement>}
      />
    </Card>
  );
}

/** 公示: who is recommended (name, unit, programme, amount only), and a named objection while it runs. */
export default function NoticesPage() {
  const { t } = useTranslation();
  const id = Number(useParams().id ?? 0);
  const [search, setSearch] = useSearchParams();
  const status = search.get('status') === 'ended' ? 'ended' : search.get('status') === 'open' ? 'open' : undefined;
  const list = useNoticesQuery({ status });
  const one = useNoticeQuery(id);
  const [objecting, setObjecting] = useState<ObjectionTarget | null>(null);
  usePageTitle(id ? (one.data?.title ?? t('applications.notices.title')) : t('applications.notices.title'));
  const query = id ? one : list;
  const notices = id ? (one.data ? [one.data] : []) : (list.data ?? []);

  return (
    <Flex vertical gap={16} data-testid="notices-page" data-status={query.data ? 'ready' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('applications.notices.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('applications.notices.intro')}</Typography.Text>
      </div>
      {id ? (
        <Link to="/notices">{t('applications.notices.all')}</Link>
      ) : (
        <Segmented<string>
          value={status ?? 'all'}
          onChange={(value) => setSearch(value === 'all' ? {} : { status: value }, { replace: true })}
          aria-label={t('applications.notices.status')}
          options={[
            { value: 'all', label: t('applications.calls.any') },
            { value: 'open', label: t('applications.notices.open') },
            { value: 'ended', label: t('applications.notices.ended') },
          ]}
          style={{ alignSelf: 'flex-start' }}
        />
      )}
      {query.isError && <ErrorAlert error={query.error} title={t('applications.loadError')} onRetry={() => void query.refetch()} />}
      {query.isPending && <Spin />}
      {query.data && notices.length === 0 && <Empty description={t('applications.notices.empty')} />}
      {notices.map((notice) => (
        <NoticeCard key={notice.id} notice={notice} onObject={setObjecting} />
      ))}
      <ObjectionModal target={objecting} onClose={() => setObjecting(null)} />
    </Flex>
  );
}
