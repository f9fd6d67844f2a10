import { Flex, Tooltip, Typography } from 'antd';
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
  /** Show at most this many, the rest as "and N more" with a tooltip. */
  limit?: number;
}

/** Agencies as links separated by 、, as the plan lists them. */
export function AgencyLinks({ agencies, limit }: AgencyLinksProps) {
  const { t, i18n } = useTranslation();
  if (agencies.length === 0) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  const shown = limit !== undefined && agencies.length > limit ? agencies.slice(0, limit) : agencies;
  const hidden = agencies.slice(shown.length);
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  return (
    <Flex wrap gap={4} align="center" component="span">
      {shown.map((agency, index) => (
        <span key={agency.code}>
          <AgencyLink agency={agency} />
          {index < shown.length - 1 || hidden.length > 0 ? (language.startsWith('en') ? ',' : '、') : ''}
        </span>
      ))}
      {hidden.length > 0 && (
        <Tooltip title={hidden.map((agency) => agencyName(agency, language)).join(language.startsWith('en') ? ', ' : '、')}>
          <Typography.Text type="secondary">{t('tasks.table.more', { count: hidden.length })}</Typography.Text>
        </Tooltip>
      )}
    </Flex>
  );
}
