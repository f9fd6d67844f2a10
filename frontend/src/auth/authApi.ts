import { apiGet, apiPost } from '../api/http';
import type { TokenPair } from './tokenStore';
import type { components } from '../api/schema';

type Schemas = components['schemas'];

/** What the gateway accepts as a username (3–64 characters). */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

export type Role = 'applicant' | 'reviewer' | 'expert' | 'admin';
export const ROLES: readonly Role[] = ['applicant', 'reviewer', 'expert', 'admin'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** GET /api/v1/auth/me and the admin user list: an account as the gateway shows it. */
export type UserRead = Schemas['UserRead'];

export type LoginRequest = Schemas['LoginRequest'];

export type RegisterRequest = Schemas['RegisterRequest'];

export const ME_QUERY_KEY = ['me'] as const;

export function login(body: LoginRequest): Promise<TokenPair> {
  return apiPost<TokenPair>('/auth/login', body, { auth: false });
}

export function register(body: RegisterRequest): Promise<UserRead> {
  return apiPost<UserRead>('/auth/register', body, { auth: false });
}

export function logout(refreshToken: string): Promise<void> {
  return apiPost<void>('/auth/logout', { refresh_token: refreshToken }, { auth: false });
}

export function fetchCurrentUser(signal?: AbortSignal): Promise<UserRead> {
  return apiGet<UserRead>('/auth/me', { signal });
}

/** Who may manage agency API keys: admins, and a reviewer who is their agency's admin. */
export function canManageApiKeys(user: UserRead | null | undefined): boolean {
  if (!user) return false;
  return user.role === 'admin' || (user.role === 'reviewer' && user.is_agency_admin);
}

export function isAdmin(user: UserRead | null | undefined): boolean {
  return user?.role === 'admin';
}

/** A reviewer bound to an agency: reports its progress and reviews what it leads. */
export function isAgencyStaff(user: UserRead | null | undefined): boolean {
  return user?.role === 'reviewer' && Boolean(user.agency_code);
}

export function isApplicant(user: UserRead | null | undefined): boolean {
  return user?.role === 'applicant';
}

/** An expert the reviewing agencies assign applications to score. */
export function isExpert(user: UserRead | null | undefined): boolean {
  return user?.role === 'expert';
}

/** Who sees applications: applicants their own, reviewers their agency's, administrators all. */
export function seesApplications(user: UserRead | null | undefined): boolean {
  return isApplicant(user) || isAgencyStaff(user) || isAdmin(user);
}
