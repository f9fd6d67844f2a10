import { Progress } from 'antd';
import { useTranslation } from 'react-i18next';

import type { StatusColour } from '../api/agencies';

export const STATUS_STROKE: Record<StatusColour, string> = { green: '#52c41a', amber: '#faad14', red: '#ff4d4f' };

export interface StatusProgressProps {
  percent: number;
  /** The service's verdict against the schedule; without it the bar is neutral blue. */
  status?: StatusColour;
  size?: 'small' | 'default';
  testId?: string;
}

/** A progress bar coloured by schedule status (green on track, amber behind, red far behind). */
export default function StatusProgress({ percent, status, size = 'default', testId = 'progress' }: StatusProgressProps) {
  const { t } = useTranslation();
  const shown = Math.max(0, Math.min(100, percent));
  return (
    <div data-testid={testId} data-status={status ?? ''} data-percent={percent}>
      <Progress
        percent={shown}
        size={size === 'small' ? 'small' : undefined}
        strokeColor={status ? STATUS_STROKE[status] : undefined}
        status="normal"
        format={() => `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`}
        aria-label={status ? t(`tasks.deliverable.status.${status}`) : undefined}
      />
    </div>
  );
}
