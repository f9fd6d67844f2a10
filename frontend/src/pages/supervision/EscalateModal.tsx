import { App, Descriptions, Flex, Form, Input, Modal, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { OverdueItem } from '../../api/agencies';
import { newIdempotencyKey } from '../../api/idempotency';
import { AgencyLink } from '../../components/AgencyLink';
import ErrorAlert from '../../components/ErrorAlert';
import { formatDateTime } from '../../i18n/format';
import { useEscalate, useEscalationsQuery } from './supervisionApi';

/** An administrator moves an overdue report one rung (提醒 → 约谈 → 函询 → 通报), saying why; earlier steps are listed. */
export default function EscalateModal({ item, onClose }: { item: OverdueItem | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note: string }>();
  const escalate = useEscalate();
  const [idempotencyKey, setIdempotencyKey] = useState('');
  const history = useEscalationsQuery(
    { deliverable: item?.deliverable_code, agency: item?.agency.code, period: item?.period, page: 1, size: 10 },
    item !== null,
  );

  useEffect(() => {
    if (!item) return;
    setIdempotencyKey(newIdempotencyKey('escalation'));
    escalate.reset();
    form.resetFields();
  }, [item]);

  const level = item?.next_level;
  const onFinish = ({ note }: { note: string }) => {
    if (!item || !level) return;
    escalate.mutate(
      { body: { deliverable: item.deliverable_code, agency: item.agency.code, period: item.period, level, note: note.trim() }, idempotencyKey },
      {
        onSuccess: () => {
          void message.success(t('supervision.escalated', { level: t(`agencies.overdue.levels.${level}`) }));
          onClose();
        },
      },
    );
  };

  return (
    <Modal
      open={item !== null}
      title={level ? t('supervision.escalateTitle', { level: t(`agencies.overdue.levels.${level}`) }) : ''}
      onCancel={onClose}
      okText={t('supervision.escalateSubmit')}
      okButtonProps={{ danger: true, loading: escalate.isPending, 'data-testid': 'escalate-submit' }}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      destroyOnHidden
      forceRender
    >
      <Flex vertical gap={12} data-testid="escalate-form">
        {item && (
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              { key: 'agency', label: t('agencies.overdue.agency'), children: <AgencyLink agency={item.agency} /> },
              { key: 'deliverable', label: t('agencies.overdue.deliverable'), children: item.indicator },
              { key: 'period', label: t('agencies.overdue.period'), children: item.period },
              { key: 'state', label: t('agencies.overdue.state'), children: [t(`agencies.overdue.states.${item.state}`), t('agencies.overdue.days', { count: item.days_overdue })].join(t('common.listSeparator')) },
            ]}
          />
        )}
        {(history.data?.items.length ?? 0) > 0 && (
          <div>
            <Typography.Text strong>{t('supervision.history')}</Typography.Text>
            <Timeline
              style={{ marginTop: 8 }}
              items={history.data!.items.map((step) => ({
                key: step.id,
                content: (
                  <Flex vertical>
                    <Typography.Text>
                      {t(`agencies.overdue.levels.${step.level}`)} · {formatDateTime(step.created_at, language)}
                    </Typography.Text>
                    <Typography.Text type="secondary">{step.note}</Typography.Text>
                  </Flex>
                ),
              }))}
            />
          </div>
        )}
        {escalate.isError && <ErrorAlert error={escalate.error} title={t('supervision.escalateError')} />}
        <Form form={form} layout="vertical" onFinish={onFinish}>
          <Form.Item label={t('supervision.note')} name="note" rules={[{ required: true, whitespace: true, message: t('supervision.noteRequired') }]}>
            <Input.TextArea rows={3} maxLength={2000} showCount data-testid="escalate-note" />
          </Form.Item>
        </Form>
      </Flex>
    </Modal>
  );
}
