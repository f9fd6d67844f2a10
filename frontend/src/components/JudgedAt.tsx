import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { formatDate } from '../i18n/format';

export interface JudgedAtProps {
  /** The day the service judged the figures at. */
  asOf: string | undefined;
  /** The plan has ended and these are its final figures (judged at its end date). */
  final?: boolean;
  testId?: string;
}

/** Says which day the figures are judged at, and when the plan has ended, that they are its final result. */
export default function JudgedAt({ asOf, final, testId = 'judged-at' }: JudgedAtProps) {
  const { t, i18n } = useTranslation();
  if (!asOf) return null;
  const date = formatDate(asOf, i18n.resolvedLanguage ?? 'zh-CN');
  return (
    <Typography.Text type="secondary" data-testid={testId} data-status={final ? 'final' : 'running'}>
      {final ? t('common.judged.final', { date }) : t('common.judged.running', { date })}
    </Typography.Text>
  );
}
