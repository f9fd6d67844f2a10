import type { Tone } from '../../components/ToneTag';
import type { CallStatus } from './applicationsApi';

export function callStatusTone(status: CallStatus): Tone {
  return status === 'open' ? 'success' : status === 'upcoming' ? 'info' : 'neutral';
}

/** States of an application, as the service names them; the tone says how it stands for the applicant. */
export function stateTone(state: string): Tone {
  if (state === 'rejected') return 'error';
  if (state === 'returned' || state === 'on_hold') return 'warning';
  if (state === 'withdrawn' || state === 'draft') return 'neutral';
  if (state === 'ready_for_decision' || state === 'recommended' || state === 'public_notice') return 'success';
  return 'info';
}

/** Every state, in workflow order, for a queue's counts. */
export const STATES = [
  'draft',
  'submitted',
  'nominated',
  'formal_review',
  'returned',
  'expert_review',
  'recommended',
  'public_notice',
  'on_hold',
  'ready_for_decision',
  'withdrawn',
  'rejected',
] as const;
