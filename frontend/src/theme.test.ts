import { theme } from 'antd';
import { describe, expect, it } from 'vitest';
import { ACCESSIBLE_THEME } from './App';

/** WCAG 2.1 relative luminance of an opaque #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

// The tokens as antd derives them from ours, so a colour antd computes (hover, press) is checked too.
const token = theme.getDesignToken(ACCESSIBLE_THEME);
const WHITE = '#ffffff';

describe('the theme keeps text at 4.5:1 (WCAG 2.1 AA) in every state', () => {
  it.each(['colorPrimary', 'colorPrimaryHover', 'colorPrimaryActive', 'colorError', 'colorErrorHover',
    'colorErrorActive'] as const)('white text on a filled button in %s', (name) => {
    expect(contrast(WHITE, token[name])).toBeGreaterThanOrEqual(4.5);
  });

  it.each(['colorLink', 'colorLinkHover', 'colorLinkActive', 'colorPrimaryText', 'colorPrimaryTextHover',
    'colorPrimaryTextActive', 'colorErrorText', 'colorErrorTextHover', 'colorErrorTextActive'] as const)(
    '%s text on white', (name) => {
      expect(contrast(token[name], token.colorBgContainer)).toBeGreaterThanOrEqual(4.5);
    });

  it('hover and press look different from rest', () => {
    expect(new Set([token.colorPrimary, token.colorPrimaryHover, token.colorPrimaryActive]).size).toBe(3);
    expect(new Set([token.colorLink, token.colorLinkHover, token.colorLinkActive]).size).toBe(3);
  });
});
