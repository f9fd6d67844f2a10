import type { Tone } from '../../components/ToneTag';
import type { AwardStatus } from './fundingApi';

/** How an award stands: committed money is good news, a reservation is on its way, the rest ended. */
export function awardStatusTone(status: AwardStatus): Tone {
  if (status === 'committed') return 'success';
  if (status === 'reserved') return 'info';
  if (status === 'rejected') return 'error';
  return 'neutral';
}
