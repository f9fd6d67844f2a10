import { Button, Card, Empty, Flex, Input, InputNumber, Radio, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { newIdempotencyKey } from '../../api/idempotency';
import ErrorAlert from '../../components/ErrorAlert';
import ToneTag from '../../components/ToneTag';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../i18n/format';
import type { MyAssignment } from './applicationsApi';
import { labelText, useDeclare, useMyAssignmentsQuery, useScore } from './applicationsApi';

/** Before seeing the file the expert declares a conflict of interest, or none. */
function Declaration({ assignment }: { assignment: MyAssignment }) {
  const { t } = useTranslation();
  const declare = useDeclare();
  const [choice, setChoice] = useState<'no_conflict' | 'conflict'>('no_conflict');
  const [note, setNote] = useState('');
  const [key] = useState(() => newIdempotencyKey('declaration'));
  return (
    <Flex vertical gap={8} data-testid="declaration-form">
      <Typography.Text>{t('applications.reviews.declareIntro')}</Typography.Text>
      <Radio.Group value={choice} onChange={(event) => setChoice(event.target.value as 'no_conflict' | 'conflict')} aria-label={t('applications.experts.declaration')}>
        <Radio value="no_conflict" data-testid="declare-no-conflict">{t('applications.experts.declarations.no_conflict')}</Radio>
        <Radio value="conflict">{t('applications.experts.declarations.conflict')}</Radio>
      </Radio.Group>
      <Input.TextArea rows={2} value={note} onChange={(event) => setNote(event.target.value)} placeholder={t('applications.reviews.note')} aria-label={t('applications.reviews.note')} maxLength={1000} />
      <Button type="primary" style={{ alignSelf: 'flex-start' }} loading={declare.isPending} onClick={() => declare.mutate({ id: assignment.id, key, declaration: choice, note })} data-testid="declare-submit">
        {t('applications.reviews.declare')}
      </Button>
      {declare.isError && <ErrorAlert error={declare.error} title={t('applications.reviews.error')} />}
    </Flex>
  );
}

/** The score sheet: one score per criterion up to its maximum, and a comment. */
function ScoreSheet({ assignment }: { assignment: MyAssignment }) {
  const { t, i18n } = useTranslation();
  const zh = (i18n.resolvedLanguage ?? 'zh-CN').startsWith('zh');
  const score = useScore();
  const [scores, setScores] = useState<Record<string, number | null>>(() => ({ ...(assignment.score_sheet?.scores ?? {}) }));
  const [comment, setComment] = useState(assignment.score_sheet?.comment ?? '');
  const complete = assignment.criteria.every((criterion) => typeof scores[criterion.code] === 'number');
  const total = assignment.criteria.reduce((sum, criterion) => sum + (scores[criterion.code] ?? 0), 0);
  const max = assignment.criteria.reduce((sum, criterion) => sum + criterion.max_points, 0);
  return (
    <Flex vertical gap={8} data-testid="score-form">
      {assignment.criteria.map((criterion) => (
        <Flex key={criterion.code} wrap gap={8} align="center">
          <label htmlFor={`score-${assignment.id}-${criterion.code}`} style={{ minWidth: 200 }}>
            {zh ? criterion.name : criterion.name_en}（{t('applications.reviews.max', { max: criterion.max_points })}）
          </label>
          <InputNumber id={`score-${assignment.id}-${criterion.code}`} min={0} max={criterion.max_points} precision={0} value={scores[criterion.code] ?? null} disabled={!assignment.can_score} onChange={(value) => setScores({ ...scores, [criterion.code]: value })} data-testid={`score-${criterion.code}`} />
        </Flex>
      ))}
      <Typography.Text strong data-testid="score-total">{t('applications.reviews.total', { total, max })}</Typography.Text>
      <Input.TextArea rows={3} value={comment} onChange={(event) => setComment(event.target.value)} placeholder={t('applications.experts.comment')} aria-label={t('applications.experts.comment')} maxLength={2000} disabled={!assignment.can_score} data-testid="score-comment" />
      {assignment.can_score && (
        <Button type="primary" style={{ alignSelf: 'flex-start' }} disabled={!complete || !comment.trim()} loading={score.isPending} onClick={() => score.mutate({ id: assignment.id, scores: scores as Record<string, number>, comment: comment.trim() })} data-testid="score-submit">
          {assignment.score_sheet ? t('applications.reviews.update') : t('applications.reviews.submit')}
        </Button>
      )}
      {assignment.score_sheet && <Typography.Text type="secondary" data-testid="score-submitted">{t('applications.reviews.submitted', { at: formatDateTime(assignment.score_sheet.submitted_at, i18n.resolvedLanguage ?? 'zh-CN') })}</Typography.Text>}
      {score.isError && <ErrorAlert error={score.error} title={t('applications.reviews.error')} />}
    </Flex>
  );
}

/** 专家评审: the expert's assignments; declare, then open the file and score it. */
export default function ReviewsPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  usePageTitle(t('applications.reviews.title'));
  const assignments = useMyAssignmentsQuery();
  return (
    <Flex vertical gap={16} data-testid="reviews-page" data-status={assignments.data ? 'ready' : 'loading'}>
      <div>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {t('applications.reviews.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('applications.reviews.intro')}</Typography.Text>
      </div>
      {assignments.isError && <ErrorAlert error={assignments.error} title={t('applications.loadError')} onRetry={() => void assignments.refetch()} />}
      {assignments.isPending && <Spin />}
      {assignments.data?.length === 0 && <Empty description={t('applications.reviews.empty')} />}
      {assignments.data?.map((assignment) => (
        <Card
          key={assignment.id}
          size="small"
          data-testid="assignment-card"
          data-key={assignment.application_id}
          data-status={assignment.declaration ?? 'undeclared'}
          title={
            <Flex wrap gap={8} align="center">
              <ToneTag tone="info">{labelText(assignment.application_state_label, language)}</ToneTag>
              <span>
                {assignment.program_name} · {assignment.applicant_name} · {assignment.unit}
              </span>
            </Flex>
          }
        >
          {assignment.declaration === null && <Declaration assignment={assignment} />}
          {assignment.declaration === 'conflict' && <Typography.Text type="secondary">{t('applications.reviews.conflict')}</Typography.Text>}
          {assignment.declaration === 'no_conflict' && (
            <Flex vertical gap={12}>
              <Link to={`/applications/${assignment.application_id}`}>{t('applications.reviews.openFile')}</Link>
              <ScoreSheet assignment={assignment} />
            </Flex>
          )}
        </Card>
      ))}
    </Flex>
  );
}
