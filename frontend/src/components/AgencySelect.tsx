import { Input, Select, Typography } from 'antd';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';

import { agencyName, useAgenciesQuery } from '../api/agencies';

export interface AgencySelectProps {
  value?: string;
  onChange?: (value: string | undefined) => void;
  allowClear?: boolean;
  placeholder?: string;
  disabled?: boolean;
  style?: CSSProperties;
  'data-testid'?: string;
  'aria-label'?: string;
}

/**
 * Picks an agency by code from the agencies service. While that list cannot
 * be loaded it degrades to a plain code input, so administration still works.
 */
export default function AgencySelect({ value, onChange, allowClear, placeholder, disabled, style, ...rest }: AgencySelectProps) {
  const { t, i18n } = useTranslation();
  const agencies = useAgenciesQuery();
  const language = i18n.resolvedLanguage ?? 'zh-CN';

  if (agencies.isError) {
    return (
      <div style={style}>
        <Input
          value={value}
          onChange={(event) => onChange?.(event.target.value.trim() || undefined)}
          placeholder={t('common.agencyPicker.manualPlaceholder')}
          disabled={disabled}
          allowClear={allowClear}
          data-testid={rest['data-testid']}
          aria-label={rest['aria-label']}
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('common.agencyPicker.unavailable')}
        </Typography.Text>
      </div>
    );
  }

  return (
    <Select<string>
      value={value}
      onChange={(next) => onChange?.(next ?? undefined)}
      allowClear={allowClear}
      disabled={disabled}
      loading={agencies.isLoading}
      placeholder={placeholder ?? t('common.agencyPicker.placeholder')}
      showSearch={{ optionFilterProp: 'label' }}
      style={style}
      data-testid={rest['data-testid']}
      aria-label={rest['aria-label']}
      options={(agencies.data ?? []).map((agency) => ({
        value: agency.code,
        label: t('common.agencyPicker.option', { name: agencyName(agency, language), code: agency.code }),
      }))}
    />
  );
}
