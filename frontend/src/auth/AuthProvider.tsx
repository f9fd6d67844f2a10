import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore } from 'react';

import { fetchCurrentUser, login, logout, ME_QUERY_KEY } from './authApi';
import type { LoginRequest, UserRead } from './authApi';
import { clearTokens, getSignOutReason, getTokens, setTokens, subscribeTokens, tokensFromPair } from './tokenStore';
import type { SignOutReason } from './tokenStore';

/**
 * anonymous: no tokens. loading: tokens, user not known yet. signedIn: user
 * known. error: tokens kept but /api/v1/auth/me failed for another reason than
 * an ended session (network, 5xx).
 */
export type AuthStatus = 'anonymous' | 'loading' | 'signedIn' | 'error';

export interface AuthContextValue {
  status: AuthStatus;
  user: UserRead | null;
  /** Why the last session ended ("expired" when the refresh token was refused). */
  signOutReason: SignOutReason | null;
  userError: unknown;
  signIn: (credentials: LoginRequest) => Promise<UserRead>;
  signOut: () => Promise<void>;
  reloadUser: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

function useTokenSnapshot() {
  const tokens = useSyncExternalStore(subscribeTokens, getTokens, getTokens);
  const reason = useSyncExternalStore(subscribeTokens, getSignOutReason, getSignOutReason);
  return { tokens, reason };
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { tokens, reason } = useTokenSnapshot();
  const signedIn = tokens !== null;

  const meQuery = useQuery({
    queryKey: ME_QUERY_KEY,
    queryFn: ({ signal }) => fetchCurrentUser(signal),
    enabled: signedIn,
    staleTime: 5 * 60_000,
    retry: false,
  });

  const signIn = useCallback(
    async (credentials: LoginRequest) => {
      const pair = await login(credentials);
      // Nothing cached for a previous user may leak into this session.
      queryClient.removeQueries();
      setTokens(tokensFromPair(pair));
      return queryClient.fetchQuery({ queryKey: ME_QUERY_KEY, queryFn: ({ signal }) => fetchCurrentUser(signal) });
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    const current = getTokens();
    clearTokens('signed_out');
    queryClient.removeQueries();
    if (current) {
      // Revoking the refresh token is best effort: the local session is already gone.
      await logout(current.refresh_token).catch(() => undefined);
    }
  }, [queryClient]);

  const value = useMemo<AuthContextValue>(() => {
    const user = signedIn ? (meQuery.data ?? null) : null;
    let status: AuthStatus = 'anonymous';
    if (signedIn) status = user ? 'signedIn' : meQuery.isError ? 'error' : 'loading';
    return {
      status,
      user,
      signOutReason: reason,
      userError: signedIn ? meQuery.error : null,
      signIn,
      signOut,
      reloadUser: () => void meQuery.refetch(),
    };
  }, [signedIn, meQuery, reason, signIn, signOut]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
