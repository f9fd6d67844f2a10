import { Alert, Breadcrumb, Button, Card, Descriptions, Flex, Form, Input, Modal, Select, Spin, Table, Timeline, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { buildUrl } from '../../api/http';
import { newIdempotencyKey } from '../../api/idempotency';
import { isAdmin } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import { getTokens } from '../../auth/tokenStore';
import ButtonLink from '../../components/ButtonLink';
import ErrorAlert from '../../components/ErrorAlert';
import RecordFrame from '../../components/RecordFrame';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { currentLanguage } from '../../i18n';
import { formatDateTime } from '../../i18n/format';
import type { ActionRead, ApplicationRead, AssignmentRead, AttachmentRead, PersonalData } from './applicationsApi';
import {
  APPLICATIONS_API,
  formatYuan,
  labelText,
  useApplicationQuery,
  useAssignExpert,
  useDeleteAttachment,
  useFormQuery,
  usePublishNotice,
  useReviewsQuery,
  useSaveApplication,
  useTransition,
  useUploadAttachment,
} from './applicationsApi';
import ApprovalsList from '../decisions/ApprovalsList';
import { stateTone } from './labels';

// rjsf and its widgets load only when a form is shown.
const ApplicationForm = lazy(() => import('./ApplicationForm'));

/** Steps taken through /transitions; the others have their own pages (notices, objections). */
const TRANSITIONS = new Set(['submit', 'withdraw', 'resubmit', 'nominate', 'decline', 'start_formal_review', 'return_for_revision', 'pass_formal_review', 'reject', 'recommend']);
/** Steps that need a reason the applicant will read. */
const NEEDS_REASON = new Set(['return_for_revision', 'reject', 'decline']);
const EDITABLE = new Set(['draft', 'returned']);
/** States with approvals to show (a failed attempt leaves the application ready for a decision again). */
const DECIDED = new Set(['ready_for_decision', 'approving', 'approved', 'revoked']);

/** Saves the attachment the way the browser saves a download (the request carries the token). */
async function download(applicationId: number, attachment: AttachmentRead) {
  const tokens = getTokens();
  const response = await fetch(buildUrl(`${APPLICATIONS_API}/applications/${applicationId}/attachments/${attachment.id}`), {
    headers: { ...(tokens ? { Authorization: `Bearer ${tokens.access_token}` } : {}), 'Accept-Language': currentLanguage() },
  });
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = attachment.filename;
  link.click();
  URL.revokeObjectURL(url);
}

function ActionModal({ application, action, onClose, beforeSubmit }: { application: ApplicationRead; action: ActionRead | null; onClose: () => void; beforeSubmit?: () => Promise<unknown> }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const transition = useTransition();
  const publish = usePublishNotice();
  const [comment, setComment] = useState('');
  const [key, setKey] = useState(() => newIdempotencyKey('transition'));
  const [error, setError] = useState<unknown>(null);
  const needsReason = action ? NEEDS_REASON.has(action.action) : false;
  const close = () => {
    setComment('');
    setError(null);
    setKey(newIdempotencyKey('transition'));
    onClose();
  };
  const submit = async () => {
    if (!action || (needsReason && !comment.trim())) return;
    setError(null);
    try {
      if (beforeSubmit && (action.action === 'submit' || action.action === 'resubmit')) await beforeSubmit();
      if (action.action === 'publish_notice') await publish.mutateAsync({ callId: application.call_id, key, application_ids: [application.id] });
      else await transition.mutateAsync({ id: application.id, key, action: action.action, comment: comment.trim() });
      close();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <Modal open={action !== null} title={action ? labelText(action.label, language) : ''} onCancel={close} onOk={() => void submit()} okText={t('applications.confirm')} cancelText={t('applications.cancel')} confirmLoading={transition.isPending || publish.isPending} okButtonProps={{ disabled: needsReason && !comment.trim(), ...({ 'data-testid': 'action-confirm' } as Record<string, string>) }}>
      <Flex vertical gap={8} data-testid="action-form">
        <label htmlFor="action-comment">{needsReason ? t('applications.application.reasonRequired') : t('applications.application.comment')}</label>
        <Input.TextArea id="action-comment" rows={3} maxLength={2000} value={comment} onChange={(event) => setComment(event.target.value)} data-testid="action-comment" />
        {error !== null && <ErrorAlert error={error} title={t('applications.application.actionError')} />}
      </Flex>
    </Modal>
  );
}

function PersonalForm({ value, onChange, readOnly }: { value: Partial<PersonalData>; onChange: (value: Partial<PersonalData>) => void; readOnly: boolean }) {
  const { t } = useTranslation();
  const field = (name: keyof PersonalData, label: string, input: React.ReactNode) => (
    <Form.Item label={label} htmlFor={`personal-${name}`} style={{ marginBottom: 8 }}>
      {input}
    </Form.Item>
  );
  const text = (name: 'id_number' | 'phone' | 'email' | 'birth_date', label: string, type = 'text') =>
    field(name, label, <Input id={`personal-${name}`} type={type} value={value[name] ?? ''} disabled={readOnly} onChange={(event) => onChange({ ...value, [name]: event.target.value || null })} data-testid={`personal-${name}`} />);
  return (
    <Form layout="vertical" component="div">
      <Flex wrap gap={12} className="tpp-filters">
        {field(
          'id_type',
          t('applications.personal.idType'),
          <Select id="personal-id_type" value={value.id_type ?? 'resident_id'} disabled={readOnly} onChange={(id_type) => onChange({ ...value, id_type })} style={{ width: 180 }} options={[{ value: 'resident_id', label: t('applications.personal.residentId') }, { value: 'passport', label: t('applications.personal.passport') }]} />,
        )}
        {text('id_number', t('applications.personal.idNumber'))}
        {text('phone', t('applications.personal.phone'), 'tel')}
        {text('email', t('applications.personal.email'), 'email')}
        {field(
          'gender',
          t('applications.personal.gender'),
          <Select id="personal-gender" value={value.gender ?? undefined} allowClear disabled={readOnly} onChange={(gender) => onChange({ ...value, gender: gender ?? null })} style={{ width: 120 }} options={[{ value: 'male', label: t('applications.personal.male') }, { value: 'female', label: t('applications.personal.female') }]} />,
        )}
        {text('birth_date', t('applications.personal.birthDate'), 'date')}
      </Flex>
    </Form>
  );
}

function Attachments({ application, editable }: { application: ApplicationRead; editable: boolean }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const upload = useUploadAttachment();
  const remove = useDeleteAttachment();
  const [label, setLabel] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const columns: TableColumnsType<AttachmentRead> = [
    { title: t('applications.attachments.label'), dataIndex: 'label', key: 'label' },
    { title: t('applications.attachments.file'), key: 'file', render: (_: unknown, row) => <Button type="link" size="small" onClick={() => void download(application.id, row)}>{row.filename}</Button> },
    { title: t('applications.attachments.size'), key: 'size', align: 'right', responsive: ['md'], render: (_: unknown, row) => `${(row.size / 1024).toFixed(1)} KB` },
    { title: 'SHA-256', key: 'sha', responsive: ['lg'], render: (_: unknown, row) => <code title={row.sha256}>{row.sha256.slice(0, 12)}…</code> },
    { title: t('applications.attachments.uploadedAt'), key: 'at', responsive: ['md'], render: (_: unknown, row) => formatDateTime(row.uploaded_at, language) },
    ...(editable ? [{ title: t('common.actions'), key: 'delete', width: 90, render: (_: unknown, row: AttachmentRead) => <Button size="small" danger onClick={() => remove.mutate({ id: application.id, attachmentId: row.id })}>{t('applications.attachments.delete')}</Button> }] : []),
  ];
  const send = () => {
    if (!file || !label.trim()) return;
    upload.mutate({ id: application.id, key: newIdempotencyKey('attachment'), file, label: label.trim() }, { onSuccess: () => { setFile(null); setLabel(''); setInputKey((k) => k + 1); } });
  };
  return (
    <Card size="small" title={t('applications.attachments.title')} data-testid="application-attachments">
      <Table<AttachmentRead> rowKey="id" columns={columns} dataSource={application.attachments} size="small" pagination={false} locale={{ emptyText: t('applications.attachments.none') }} onRow={() => ({ 'data-testid': 'attachment-row' }) as React.HTMLAttributes<HTMLElement>} />
      {editable && (
        <Flex wrap gap={8} align="center" style={{ marginTop: 12 }} className="tpp-filters">
          <Input value={label} onChange={(event) => setLabel(event.target.value)} placeholder={t('applications.attachments.label')} aria-label={t('applications.attachments.label')} maxLength={100} style={{ width: 200 }} data-testid="attachment-label" />
          <input key={inputKey} type="file" accept="application/pdf,image/png,image/jpeg" aria-label={t('applications.attachments.choose')} onChange={(event) => setFile(event.target.files?.[0] ?? null)} data-testid="attachment-file" />
          <Button onClick={send} disabled={!file || !label.trim()} loading={upload.isPending} data-testid="attachment-upload">
            {t('applications.attachments.upload')}
          </Button>
          <Typography.Text type="secondary">{t('applications.attachments.limits')}</Typography.Text>
        </Flex>
      )}
      {upload.isError && <ErrorAlert error={upload.error} title={t('applications.attachments.error')} />}
      {remove.isError && <ErrorAlert error={remove.error} title={t('applications.attachments.error')} />}
    </Card>
  );
}

/** The service names an expert by their account's subject, `user:<id>`; a bare number is taken as the id. */
export function expertSubject(input: string): string {
  const value = input.trim();
  return /^\d+$/.test(value) ? `user:${value}` : value;
}

function Experts({ application }: { application: ApplicationRead }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const reviews = useReviewsQuery(application.id, true);
  const assign = useAssignExpert();
  const [expert, setExpert] = useState('');
  const [name, setName] = useState('');
  const canAssign = application.state === 'formal_review' || application.state === 'expert_review';
  const columns: TableColumnsType<AssignmentRead> = [
    { title: t('applications.experts.expert'), key: 'expert', render: (_: unknown, row) => `${row.expert_name} (${row.expert})` },
    { title: t('applications.experts.declaration'), key: 'declaration', render: (_: unknown, row) => (row.declaration ? t(`applications.experts.declarations.${row.declaration}`) : t('applications.experts.notDeclared')) },
    { title: t('applications.experts.score'), key: 'score', align: 'right', render: (_: unknown, row) => (row.score_sheet ? `${row.score_sheet.total} / ${row.score_sheet.max_total}` : '—') },
    { title: t('applications.experts.comment'), key: 'comment', responsive: ['md'], render: (_: unknown, row) => row.score_sheet?.comment ?? '' },
    { title: t('applications.experts.assignedAt'), key: 'at', responsive: ['lg'], render: (_: unknown, row) => formatDateTime(row.assigned_at, language) },
  ];
  return (
    <Card size="small" title={t('applications.experts.title')} data-testid="application-experts">
      {reviews.isError && <ErrorAlert error={reviews.error} title={t('applications.loadError')} />}
      {reviews.data && (
        <Typography.Paragraph type="secondary">
          {t('applications.experts.summary', { complete: reviews.data.complete, min: reviews.data.min_experts, average: reviews.data.average_total ?? '—' })}
        </Typography.Paragraph>
      )}
      <Table<AssignmentRead> rowKey="id" columns={columns} dataSource={reviews.data?.assignments ?? []} size="small" pagination={false} locale={{ emptyText: t('applications.experts.none') }} />
      {canAssign && (
        <Flex wrap gap={8} align="center" style={{ marginTop: 12 }} className="tpp-filters">
          <Input value={expert} onChange={(event) => setExpert(event.target.value)} placeholder={t('applications.experts.username')} aria-label={t('applications.experts.username')} style={{ width: 180 }} data-testid="expert-username" />
          <Input value={name} onChange={(event) => setName(event.target.value)} placeholder={t('applications.experts.name')} aria-label={t('applications.experts.name')} style={{ width: 180 }} data-testid="expert-name" />
          <Button disabled={!expert.trim() || !name.trim()} loading={assign.isPending} onClick={() => assign.mutate({ id: application.id, key: newIdempotencyKey('expert'), expert: expertSubject(expert), expert_name: name.trim() }, { onSuccess: () => { setExpert(''); setName(''); } })} data-testid="expert-assign">
            {t('applications.experts.assign')}
          </Button>
        </Flex>
      )}
      {assign.isError && <ErrorAlert error={assign.error} title={t('applications.experts.error')} />}
    </Card>
  );
}

/** One application: its form, evidence, the steps the reader may take now, and its timeline. */
export default function ApplicationPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const zh = language.startsWith('zh');
  const id = Number(useParams().id);
  const { user } = useAuth();
  const application = useApplicationQuery(id);
  const form = useFormQuery(application.data?.form);
  const save = useSaveApplication();
  const [formData, setFormData] = useState<Record<string, unknown> | null>(null);
  const [personal, setPersonal] = useState<Partial<PersonalData> | null>(null);
  const [acting, setActing] = useState<ActionRead | null>(null);
  const [saved, setSaved] = useState(false);
  usePageTitle(application.data ? `${application.data.program_name} · ${application.data.applicant_name}` : t('applications.application.title'));

  // A fresh copy of the server's answer replaces what the reader has not changed.
  useEffect(() => {
    if (!application.data) return;
    setFormData((current) => current ?? application.data.form_data);
    setPersonal((current) => current ?? (application.data.personal ?? { id_type: 'resident_id' }));
  }, [application.data]);

  const breadcrumb = <Breadcrumb items={[{ title: <Link to="/applications">{t('applications.list.title')}</Link> }, { title: `#${id}` }]} />;
  if (application.isError || !application.data) {
    return <RecordFrame testId="application-page" breadcrumb={breadcrumb} query={application} errorTitle={t('applications.loadError')} />;
  }
  const data = application.data;
  const mine = user?.role === 'applicant';
  const editable = mine && EDITABLE.has(data.state);
  const reviewing = isAdmin(user) || (user?.role === 'reviewer' && user.agency_code === data.reviewing_agency.code);
  const actions = data.allowed_actions.filter((action) => TRANSITIONS.has(action.action) || action.action === 'publish_notice');

  const persist = () => {
    const body: { id: number; form_data: Record<string, unknown>; personal?: PersonalData } = { id: data.id, form_data: formData ?? {} };
    if (personal && (personal.phone || personal.email || personal.id_number)) {
      const { id_type = 'resident_id', id_number = null, phone = null, email = null, gender = null, birth_date = null } = personal;
      body.personal = { id_type, id_number, phone, email, gender, birth_date };
    }
    return save.mutateAsync(body).then((result) => {
      setSaved(true);
      return result;
    });
  };

  return (
    <Flex vertical gap={16} data-testid="application-page" data-status="ready">
      {breadcrumb}
      <div>
        <ToneTag tone={stateTone(data.state)} data-testid="application-state" data-status={data.state}>
          {labelText(data.state_label, language)}
        </ToneTag>
        <Typography.Title level={2} style={{ marginTop: 8, marginBottom: 0 }}>
          {data.program_name} · {data.applicant_name || t('applications.application.unnamed')}
        </Typography.Title>
        <Link to={`/calls/${data.call_id}`}>{data.call_title}</Link>
      </div>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 'unit', label: t('applications.notices.unit'), children: data.unit || '—' },
          { key: 'nominator', label: t('applications.application.nominator'), children: zh ? data.nominating_agency.name : data.nominating_agency.name_en },
          { key: 'reviewer', label: t('applications.calls.agency'), children: zh ? data.reviewing_agency.name : data.reviewing_agency.name_en },
          { key: 'submitted', label: t('applications.application.submittedAt'), children: formatDateTime(data.submitted_at, language) ?? '—' },
          { key: 'amount', label: t('applications.calls.amount'), children: formatYuan(data.amount_fen, language) },
        ]}
      />

      <Card size="small" title={t('applications.application.actions')} data-testid="application-actions">
        <Flex wrap gap={8} align="center">
          {editable && (
            <Button onClick={() => void persist().catch(() => undefined)} loading={save.isPending} data-testid="application-save">
              {t('applications.application.saveDraft')}
            </Button>
          )}
          {actions.map((action) => (
            <Button key={action.action} type={action.action === 'withdraw' || action.action === 'reject' || action.action === 'decline' ? 'default' : 'primary'} danger={action.action === 'reject' || action.action === 'decline'} onClick={() => setActing(action)} data-testid={`action-${action.action}`}>
              {labelText(action.label, language)}
            </Button>
          ))}
          {isAdmin(user) && data.state === 'ready_for_decision' && (
            <ButtonLink type="primary" to={`/decisions/${data.call_id}`} data-testid="application-decide">
              {t('decisions.title')}
            </ButtonLink>
          )}
          {actions.length === 0 && !editable && !(isAdmin(user) && data.state === 'ready_for_decision') && <Typography.Text type="secondary">{t('applications.application.nothingToDo')}</Typography.Text>}
        </Flex>
        {saved && !save.isError && <Alert style={{ marginTop: 12 }} type="success" showIcon title={t('applications.application.saved')} data-testid="application-saved" />}
        {save.isError && <div style={{ marginTop: 12 }}><ErrorAlert error={save.error} title={t('applications.application.saveError')} /></div>}
      </Card>

      <Card size="small" title={zh ? data.form.title : data.form.title_en}>
        {form.isError && <ErrorAlert error={form.error} title={t('applications.loadError')} />}
        {form.data && formData ? (
          <Suspense fallback={<Spin />}>
            <ApplicationForm schema={form.data.json_schema} uiSchema={form.data.ui_schema} formData={formData} readOnly={!editable} onChange={(next) => { setFormData(next); setSaved(false); }} serverError={save.error ?? undefined} />
          </Suspense>
        ) : (
          !form.isError && <Spin />
        )}
      </Card>

      {data.personal && (
        <Card size="small" title={t('applications.personal.title')} data-testid="application-personal">
          {data.personal.masked && <Typography.Paragraph type="secondary">{t('applications.personal.masked')}</Typography.Paragraph>}
          <PersonalForm value={personal ?? {}} onChange={(next) => { setPersonal(next); setSaved(false); }} readOnly={!editable} />
        </Card>
      )}
      {!data.personal && editable && (
        <Card size="small" title={t('applications.personal.title')} data-testid="application-personal">
          <PersonalForm value={personal ?? {}} onChange={setPersonal} readOnly={false} />
        </Card>
      )}

      <Attachments application={data} editable={editable} />
      {reviewing && ['formal_review', 'expert_review', 'recommended', 'public_notice', 'on_hold', 'ready_for_decision'].includes(data.state) && <Experts application={data} />}

      {isAdmin(user) && DECIDED.has(data.state) && (
        <Card size="small" title={t('decisions.approvals.title')} data-testid="application-approvals">
          <ApprovalsList applicationId={data.id} />
        </Card>
      )}

      <Card size="small" title={t('applications.application.timeline')}>
        <Timeline
          data-testid="application-timeline"
          items={data.timeline.map((event) => ({
            key: event.id,
            content: (
              <div data-testid="timeline-event" data-status={event.to_state}>
                <strong>{labelText(event.action_label, language)}</strong> → {labelText(event.to_state_label, language)}
                <div className="tpp-secondary">
                  {formatDateTime(event.occurred_at, language)} · {t(`applications.roles.${event.actor_role as 'applicant'}`, { defaultValue: event.actor_role })}
                </div>
                {event.comment && <div>{event.comment}</div>}
              </div>
            ),
          }))}
        />
      </Card>
      <ActionModal application={data} action={acting} onClose={() => setActing(null)} beforeSubmit={editable ? persist : undefined} />
    </Flex>
  );
}
