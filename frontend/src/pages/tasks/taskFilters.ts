import type { TaskListParams } from '../../api/agencies';

export const TASKS_PAGE_SIZE = 20;

function positiveInt(value: string | null): number | undefined {
  if (!value || !/^\d+$/.test(value)) return undefined;
  const number = Number(value);
  return number > 0 ? number : undefined;
}

/**
 * The task list's filters as the URL holds them. No plan in the URL lists every plan's tasks, so the
 * list is asked for at once, alongside the plan list, instead of after it.
 */
export function readTaskFilters(search: URLSearchParams) {
  const role = search.get('role');
  return {
    plan: search.get('plan') ?? undefined,
    q: search.get('q') ?? undefined,
    section: positiveInt(search.get('section')),
    agency: search.get('agency') ?? undefined,
    role: role === 'lead' || role === 'responsible' ? role : undefined,
    page: positiveInt(search.get('page')) ?? 1,
  } satisfies Omit<TaskListParams, 'size'>;
}

export type TaskFilters = ReturnType<typeof readTaskFilters>;

export function taskListParams(filters: TaskFilters): TaskListParams {
  return { ...filters, size: TASKS_PAGE_SIZE };
}
