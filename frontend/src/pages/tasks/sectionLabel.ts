import type { TFunction } from 'i18next';

import type { SectionRead } from '../../api/agencies';

/** "二、加大人才引进力度" in Chinese, "Part 2: …" in English (the plan numbers its parts with Chinese numerals). */
export function sectionLabel(section: Pick<SectionRead, 'number' | 'numeral' | 'title'>, t: TFunction): string {
  return t('tasks.sectionLabel', { number: section.number, numeral: section.numeral, title: section.title });
}
