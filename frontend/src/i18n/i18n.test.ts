import { describe, expect, it } from 'vitest';

import i18n, { DEFAULT_LANGUAGE, LANGUAGE_STORAGE_KEY, resources } from './index';

/** Every key, with English plural forms (`days_one`, `days_other`) counted once under their base (`days`). */
function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix.replace(/_(zero|one|two|few|many|other)$/, '')];
  return [...new Set(Object.entries(value).flatMap(([key, child]) => keysOf(child, prefix ? `${prefix}.${key}` : key)))];
}

describe('i18n', () => {
  it('starts in Chinese', () => {
    expect(DEFAULT_LANGUAGE).toBe('zh-CN');
    expect(i18n.language).toBe('zh-CN');
    expect(i18n.t('status.table.service')).toBe('服务');
  });

  it('has the same keys in English and Chinese, none empty', () => {
    const zh = keysOf(resources['zh-CN'].translation).sort();
    const en = keysOf(resources.en.translation).sort();
    expect(en).toEqual(zh);
    expect(zh.length).toBeGreaterThan(40);
    for (const key of en) {
      expect(i18n.t(key as never, { lng: 'en' }), key).not.toBe('');
    }
  });

  it('remembers the chosen language in localStorage', async () => {
    await i18n.changeLanguage('en');
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en');
    expect(i18n.t('status.table.service')).toBe('Service');
  });
});
