import type { ApplicantType, CallFilters, CallStatus } from './applicationsApi';

export const CALLS_PAGE_SIZE = 10;

/** The filters live in the URL, so a filtered list can be shared and survives a reload. */
export function readCallFilters(search: URLSearchParams): CallFilters {
  const status = search.get('status');
  const type = search.get('applicant_type');
  const page = Number(search.get('page') ?? '1');
  return {
    q: search.get('q') ?? undefined,
    status: status === 'open' || status === 'upcoming' || status === 'closed' ? (status as CallStatus) : undefined,
    applicant_type: type === 'person' || type === 'team' || type === 'institution' ? (type as ApplicantType) : undefined,
    task: search.get('task') ?? undefined,
    agency: search.get('agency') ?? undefined,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    size: CALLS_PAGE_SIZE,
  };
}

