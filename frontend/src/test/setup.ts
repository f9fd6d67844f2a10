import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

import { AUTH_STORAGE_KEY, clearTokens } from '../auth/tokenStore';
import i18n, { DEFAULT_LANGUAGE, LANGUAGE_STORAGE_KEY } from '../i18n';

// The first render of antd (style injection) can take seconds, and far more while both Python passes run.
configure({ asyncUtilTimeout: 30000 });

// jsdom lacks matchMedia, which antd's responsive helpers (Grid, Table columns) use. Tests see a
// desktop-wide window: every min-width query matches.
if (!window.matchMedia) {
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    configurable: true,
    value: (query: string): MediaQueryList =>
      ({
        matches: /min-width/.test(query) && !/max-width/.test(query),
        media: query,
        onchange: null,
        addListener: () => {},
        removeListener: () => {},
        addEventListener: () => {},
        removeEventListener: () => {},
        dispatchEvent: () => false,
      }) as MediaQueryList,
  });
}

// jsdom lacks ResizeObserver, which antd's Menu/Segmented/Table observe.
if (!('ResizeObserver' in globalThis)) {
  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  Object.defineProperty(globalThis, 'ResizeObserver', { writable: true, configurable: true, value: ResizeObserverStub });
}

// jsdom does not scroll; the router restores the scroll position on every navigation.
window.scrollTo = () => {};

// jsdom has <dialog> but not its methods (the phone menu is a modal dialog).
if (!HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.open) return;
    this.open = false;
    this.dispatchEvent(new Event('close'));
  };
}

// jsdom does not implement getComputedStyle(el, pseudoElt) and logs about it
// whenever antd measures the scrollbar; the element's own style is enough here.
const getComputedStyle = window.getComputedStyle.bind(window);
window.getComputedStyle = (element: Element) => getComputedStyle(element);

afterEach(async () => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  window.localStorage.removeItem(LANGUAGE_STORAGE_KEY);
  await i18n.changeLanguage(DEFAULT_LANGUAGE);
  window.localStorage.removeItem(LANGUAGE_STORAGE_KEY);
  window.history.replaceState(null, '', '/');
  clearTokens();
  window.localStorage.removeItem(AUTH_STORAGE_KEY);
});
