import { App, Descriptions, Flex, Form, Input, Modal, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ReportRead } from '../../api/agencies';
import { newIdempotencyKey } from '../../api/idempotency';
import { AgencyLink } from '../../components/AgencyLink';
import ErrorAlert from '../../components/ErrorAlert';
import { formatDateTime, formatNumber } from '../../i18n/format';
import type { ReviewDecision } from './reportsApi';
import { useReviewReport } from './reportsApi';

export interface ReviewTarget {
  report: ReportRead;
  decision: ReviewDecision;
}

/** The lead agency accepts a pending report (a comment is optional) or returns it (saying what to fix). */
export default function ReviewModal({ target, onClose }: { target: ReviewTarget | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const { message } = App.useApp();
  const [form] = Form.useForm<{ comment: string }>();
  const review = useReviewReport();
  const [idempotencyKey, setIdempotencyKey] = useState('');

  useEffect(() => {
    if (!target) return;
    setIdempotencyKey(newIdempotencyKey(`review-${target.decision}`));
    review.reset();
    form.resetFields();
  }, [target]);

  const returning = target?.decision === 'return';
  const onFinish = ({ comment }: { comment: string }) => {
    if (!target) return;
    review.mutate(
      { id: target.report.id, decision: target.decision, comment: (comment ?? '').trim(), idempotencyKey },
      {
        onSuccess: () => {
          void message.success(t(returning ? 'reports.review.returned' : 'reports.review.accepted'));
          onClose();
        },
      },
    );
  };

  const report = target?.report;
  return (
    <Modal
      open={target !== null}
      title={t(returning ? 'reports.review.returnTitle' : 'reports.review.acceptTitle')}
      onCancel={onClose}
      okText={t(returning ? 'reports.review.return' : 'reports.review.accept')}
      okButtonProps={{ danger: returning, loading: review.isPending, 'data-testid': 'review-submit' }}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      destroyOnHidden
      forceRender
    >
      <Flex vertical gap={12} data-testid="review-form">
        {report && (
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              { key: 'task', label: t('reports.columns.task'), children: `${t('tasks.numberLabel', { number: report.task.number })} ${report.task.title}` },
              { key: 'agency', label: t('reports.columns.agency'), children: <AgencyLink agency={report.agency} /> },
              { key: 'period', label: t('reports.columns.period'), children: report.period },
              { key: 'value', label: t('reports.columns.value'), children: `${formatNumber(report.value, language, 2)} ${report.unit}` },
              { key: 'submitted', label: t('reports.columns.submittedAt'), children: formatDateTime(report.submitted_at, language) },
              { key: 'narrative', label: t('reports.columns.narrative'), children: <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{report.narrative}</Typography.Text> },
              ...(report.evidence.length > 0
                ? [
                    {
                      key: 'evidence',
                      label: t('reports.columns.evidence'),
                      children: (
                        <Flex vertical>
                          {report.evidence.map((link) => (
                            <a key={link} href={link} target="_blank" rel="noreferrer noopener">
                              {link}
                            </a>
                          ))}
                        </Flex>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
        {review.isError && <ErrorAlert error={review.error} title={t('reports.review.error')} />}
        <Form form={form} layout="vertical" onFinish={onFinish}>
          <Form.Item
            label={t(returning ? 'reports.review.returnComment' : 'reports.review.acceptComment')}
            name="comment"
            rules={returning ? [{ required: true, whitespace: true, message: t('reports.review.commentRequired') }] : []}
          >
            <Input.TextArea rows={3} maxLength={2000} showCount data-testid="review-comment" />
          </Form.Item>
        </Form>
      </Flex>
    </Modal>
  );
}
