import { Tag } from 'antd';
import type { ReactNode } from 'react';

export type Tone = 'success' | 'warning' | 'error' | 'info' | 'neutral' | 'severe';

/** Text and background pairs with at least 4.5:1 contrast (antd's preset green, gold and orange tags have ~3.4:1). */
const TONES: Record<Tone, { color: string; background: string; borderColor: string }> = {
  success: { color: '#135200', background: '#f6ffed', borderColor: '#95de64' },
  warning: { color: '#613400', background: '#fffbe6', borderColor: '#ffd666' },
  error: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  severe: { color: '#ffffff', background: '#a8071a', borderColor: '#a8071a' },
  info: { color: '#003eb3', background: '#e6f4ff', borderColor: '#91caff' },
  neutral: { color: 'rgba(0, 0, 0, 0.88)', background: '#fafafa', borderColor: '#d9d9d9' },
};

export interface ToneTagProps {
  tone: Tone;
  children: ReactNode;
  'data-testid'?: string;
  'data-status'?: string;
}

/** A status tag whose colours stay readable (WCAG 2.1 AA); the words carry the meaning, not the colour. */
export default function ToneTag({ tone, children, ...rest }: ToneTagProps) {
  return (
    <Tag className={`tpp-tone-${tone}`} style={{ ...TONES[tone], marginInlineEnd: 0 }} {...rest}>
      {children}
    </Tag>
  );
}
