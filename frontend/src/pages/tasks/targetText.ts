import { useTranslation } from 'react-i18next';

import type { Target } from '../../api/agencies';
import { formatNumber } from '../../i18n/format';

/** "约 10 名", "不少于 100 家", "1–2 个" in the UI language. */
export function useTargetText() {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'zh-CN';
  return (target: Pick<Target, 'value' | 'value_max' | 'unit' | 'comparator'>) =>
    t(`tasks.deliverable.comparators.${target.comparator}`, {
      value: formatNumber(target.value, language, 2),
      max: target.value_max != null ? formatNumber(target.value_max, language, 2) : '',
      unit: target.unit,
    });
}
