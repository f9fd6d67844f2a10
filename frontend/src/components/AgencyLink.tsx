import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import type { AgencyRef } from '../api/agencies';
import { agencyName, agencyPath } from '../api/agencies';

/** An agency's name in the UI language, linking to its page. */
export function AgencyLink({ agency }: { agency: Pick<AgencyRef, 'code' | 'name' | 'name_en'> }) {
  const { i18n } = useTranslation();
  return (
    <Link to={agencyPath(agency.code)} data-testid="agency-link" data-code={agency.code}>
      {agencyName(agency, i18n.resolvedLanguage ?? 'zh-CN')}
    </Link>
  );
}

export interface AgencyLinksProps {
  agencies: AgencyRef[];
  /** Show at most this many; the rest open under "and N more". */
  limit?: number;
}

function Joined({ agencies, language }: { agencies: AgencyRef[]; language: string }) {
  const separator = language.startsWith('en') ? ', ' : '、';
  return (
    <>
      {agencies.map((agency, index) => (
        <span key={agency.code}>
          {index > 0 && separator}
          <AgencyLink agency={agency} />
        </span>
      ))}
    </>
  );
}

/** Agencies as links separated by 、 (or commas in English), as the plan lists them. */
export function AgencyLinks({ agencies, limit }: AgencyLinksProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  if (agencies.length === 0) return <span className="tpp-secondary">{t('common.none')}</span>;
  if (limit === undefined || agencies.length <= limit) return <Joined agencies={agencies} language={language} />;
  return (
    <>
      <Joined agencies={agencies.slice(0, limit)} language={language} />
      <details className="tpp-more">
        <summary className="tpp-more-toggle">{t('tasks.table.more', { count: agencies.length - limit })}</summary>
        <Joined agencies={agencies.slice(limit)} language={language} />
      </details>
    </>
  );
}
