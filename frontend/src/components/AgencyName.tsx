import { useTranslation } from 'react-i18next';

import type { AgencyRef } from '../api/agencies';
import { agencyName, useAgenciesQuery } from '../api/agencies';

/** Looks agencies up by code in the (cached) agency list, so a code can be shown as a name. */
export function useAgencyLookup(): (code: string | null | undefined) => AgencyRef | undefined {
  const agencies = useAgenciesQuery();
  const byCode = new Map((agencies.data ?? []).map((agency) => [agency.code, agency]));
  return (code) => (code ? byCode.get(code) : undefined);
}

/** An agency's name in the UI language, given its code; the code itself only while the list loads or if unknown. */
export default function AgencyName({ code }: { code: string }) {
  const { i18n } = useTranslation();
  const agency = useAgencyLookup()(code);
  return <span data-code={code}>{agency ? agencyName(agency, i18n.resolvedLanguage ?? 'zh-CN') : code}</span>;
}
