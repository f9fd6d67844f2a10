import { Progress } from 'antd';
import { useTranslation } from 'react-i18next';

import type { StatusColour } from '../api/agencies';

/** Bar colours with at least 3:1 against white (WCAG 2.1 non-text contrast). */
export const STATUS_STROKE: Record<StatusColour, string> = { green: '#389e0d', amber: '#d48806', red: '#cf1322' };

export interface StatusProgressProps {
  percent: number;
  /** The service's verdict against the schedule; without it the bar is neutral blue. */
  status?: StatusColour;
  size?: 'small' | 'default';
  testId?: string;
  /** What the bar measures (a task's title, a deliverable's indicator), for screen readers. */
  label?: string;
}

/** A progress bar coloured by schedule status (green on track, amber behind, red far behind). */
export default function StatusProgress({ percent, status, size = 'default', testId = 'progress', label }: StatusProgressProps) {
  const { t } = useTranslation();
  const shown = Math.max(0, Math.min(100, percent));
  const text = `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`;
  const name = [label ?? t('common.progress'), text, status ? t(`tasks.deliverable.status.${status}`) : null].filter(Boolean).join(t('common.listSeparator'));
  return (
    <div data-testid={testId} data-status={status ?? ''} data-percent={percent}>
      <Progress
        percent={shown}
        size={size === 'small' ? 'small' : undefined}
        strokeColor={status ? STATUS_STROKE[status] : undefined}
        status="normal"
        format={() => text}
        aria-label={name}
      />
    </div>
  );
}
