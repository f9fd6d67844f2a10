import { useQueries } from '@tanstack/react-query';

import type { Deliverable, TaskRead } from './agencies';
import { taskQuery } from './agencies';

export interface TaskKey {
  plan_code: string;
  number: number;
}

/**
 * The tasks' details, fetched together (and shared with the task pages through the cache), with a
 * lookup of each deliverable by code: lists that carry only a deliverable's code show its indicator.
 */
export function useTaskDetails(keys: TaskKey[]) {
  const unique = [...new Map(keys.map((key) => [`${key.plan_code}/${key.number}`, key])).values()];
  const results = useQueries({ queries: unique.map((key) => taskQuery(key.plan_code, key.number)) });
  const byCode = new Map<string, { deliverable: Deliverable; task: TaskRead }>();
  for (const result of results) {
    for (const deliverable of result.data?.deliverables ?? []) byCode.set(deliverable.code, { deliverable, task: result.data! });
  }
  return {
    tasks: results.flatMap((result) => (result.data ? [result.data] : [])),
    deliverable: (code: string) => byCode.get(code),
    isLoading: results.some((result) => result.isLoading),
    isError: results.some((result) => result.isError),
    error: results.find((result) => result.isError)?.error,
    refetch: () => results.forEach((result) => void result.refetch()),
  };
}
