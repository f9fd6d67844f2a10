/**
 * The signed-in session's tokens, kept in localStorage["tpp.auth"] so a reload
 * stays signed in. A plain module (no React) because api/http.ts reads it on
 * every request; React subscribes through useSyncExternalStore.
 */

export const AUTH_STORAGE_KEY = 'tpp.auth';

export interface AuthTokens {
  access_token: string;
  refresh_token: string;
  /** Epoch milliseconds when the access token expires (from expires_in at sign-in). */
  expires_at: number;
}

/** The token pair the gateway answers /api/v1/auth/login and /api/v1/auth/refresh with. */
export interface TokenPair {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
}

/** Why the tokens were last removed: the user signed out, or the session could not be refreshed. */
export type SignOutReason = 'signed_out' | 'expired';

let tokens: AuthTokens | null = readStoredTokens();
let lastSignOutReason: SignOutReason | null = null;
const listeners = new Set<() => void>();

function isAuthTokens(value: unknown): value is AuthTokens {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.access_token === 'string' &&
    record.access_token !== '' &&
    typeof record.refresh_token === 'string' &&
    record.refresh_token !== '' &&
    typeof record.expires_at === 'number'
  );
}

function readStoredTokens(): AuthTokens | null {
  try {
    const raw = globalThis.localStorage?.getItem(AUTH_STORAGE_KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return isAuthTokens(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function writeStoredTokens(value: AuthTokens | null): void {
  try {
    if (value) globalThis.localStorage?.setItem(AUTH_STORAGE_KEY, JSON.stringify(value));
    else globalThis.localStorage?.removeItem(AUTH_STORAGE_KEY);
  } catch {
    // Storage unavailable (privacy mode): the session lasts until the tab closes.
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function getTokens(): AuthTokens | null {
  return tokens;
}

export function tokensFromPair(pair: TokenPair, now = Date.now()): AuthTokens {
  return { access_token: pair.access_token, refresh_token: pair.refresh_token, expires_at: now + pair.expires_in * 1000 };
}

export function setTokens(value: AuthTokens): void {
  tokens = value;
  lastSignOutReason = null;
  writeStoredTokens(value);
  notify();
}

export function clearTokens(reason: SignOutReason = 'signed_out'): void {
  if (tokens === null && lastSignOutReason === reason) return;
  tokens = null;
  lastSignOutReason = reason;
  writeStoredTokens(null);
  notify();
}

/** Why the previous session ended, or null while signed in / when nobody was. */
export function getSignOutReason(): SignOutReason | null {
  return lastSignOutReason;
}

export function subscribeTokens(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-reads localStorage: another tab signed in or out. */
export function syncTokensFromStorage(): void {
  const stored = readStoredTokens();
  if (stored?.access_token === tokens?.access_token && stored?.refresh_token === tokens?.refresh_token) return;
  tokens = stored;
  if (stored === null) lastSignOutReason = 'signed_out';
  notify();
}

if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === AUTH_STORAGE_KEY || event.key === null) syncTokensFromStorage();
  });
}
