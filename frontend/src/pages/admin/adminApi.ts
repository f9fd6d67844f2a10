import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { apiGet, apiPatch, apiPost } from '../../api/http';
import type { Page } from '../../api/page';
import { queryString } from '../../api/page';
import type { Role, UserRead } from '../../auth/authApi';
import { ME_QUERY_KEY } from '../../auth/authApi';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export interface UserListParams {
  page: number;
  size: number;
  role?: Role;
}

export type UserCreate = Schemas['UserCreate'];

export type UserCreated = Schemas['UserCreated'];

export type UserUpdate = Schemas['UserUpdate'];

export const API_KEY_SCOPES = [
  'reports:write',
  'reports:review',
  'applications:review',
  'applications:read',
  'funding:read',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Locale keys of the scopes (i18next reads ":" as a namespace separator, so keys use "_"). */
export const SCOPE_LABEL_KEYS = {
  'reports:write': 'admin.apiKeys.scopes.reports_write',
  'reports:review': 'admin.apiKeys.scopes.reports_review',
  'applications:review': 'admin.apiKeys.scopes.applications_review',
  'applications:read': 'admin.apiKeys.scopes.applications_read',
  'funding:read': 'admin.apiKeys.scopes.funding_read',
} as const satisfies Record<ApiKeyScope, string>;

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

export type ApiKeyRead = Schemas['ApiKeyRead'];

export type ApiKeyCreated = Schemas['ApiKeyCreated'];

export type ApiKeyCreate = Schemas['ApiKeyCreate'];

export interface ApiKeyListParams {
  page: number;
  size: number;
  agency_code?: string;
  include_revoked?: boolean;
}

export const USERS_KEY = 'users';
export const API_KEYS_KEY = 'api-keys';

export function useUsersQuery(params: UserListParams, enabled = true) {
  return useQuery({
    queryKey: [USERS_KEY, params],
    queryFn: ({ signal }) => apiGet<Page<UserRead>>(`/admin/users${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreate) => apiPost<UserCreated>('/admin/users', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [USERS_KEY] }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: number; changes: UserUpdate }) => apiPatch<UserRead>(`/admin/users/${id}`, changes),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: [USERS_KEY] }),
        queryClient.invalidateQueries({ queryKey: ME_QUERY_KEY }),
      ]);
    },
  });
}

export function useApiKeysQuery(params: ApiKeyListParams, enabled = true) {
  return useQuery({
    queryKey: [API_KEYS_KEY, params],
    queryFn: ({ signal }) => apiGet<Page<ApiKeyRead>>(`/admin/api-keys${queryString(params)}`, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/**
 * The created/rotated key comes back with its secret; it is handed to the
 * caller only and never written into the query cache (the list is refetched).
 */
export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiKeyCreate) => apiPost<ApiKeyCreated>('/admin/api-keys', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [API_KEYS_KEY] }),
  });
}

export function useRotateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiPost<ApiKeyCreated>(`/admin/api-keys/${id}/rotate`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [API_KEYS_KEY] }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiPost<ApiKeyRead>(`/admin/api-keys/${id}/revoke`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [API_KEYS_KEY] }),
  });
}
