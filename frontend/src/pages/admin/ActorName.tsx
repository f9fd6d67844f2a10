import { useTranslation } from 'react-i18next';

import { isAdmin, isRole } from '../../auth/authApi';
import { useAuth } from '../../auth/AuthProvider';
import { useUsersQuery } from './adminApi';

const ACTOR = /^(\w+):user:(\d+)$/;

/**
 * Who did something, as the gateway records it (`admin:user:6`), shown as a person: the signed-in user
 * themself, a user an administrator can look up, or else the role and user number.
 */
export default function ActorName({ actor }: { actor: string }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const match = ACTOR.exec(actor);
  const id = match ? Number(match[2]) : undefined;
  const users = useUsersQuery({ page: 1, size: 100 }, isAdmin(user) && id !== undefined && id !== user?.id);
  if (!match) return <span>{actor}</span>;
  if (id === user?.id) return <span data-actor={actor}>{t('admin.actor.you', { name: user!.display_name })}</span>;
  const known = users.data?.items.find((item) => item.id === id);
  if (known) return <span data-actor={actor}>{known.display_name}</span>;
  const role = match[1];
  return <span data-actor={actor}>{t('admin.actor.user', { role: isRole(role) ? t(`common.roles.${role}`) : role, id })}</span>;
}
