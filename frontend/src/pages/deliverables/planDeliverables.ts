import { useQuery } from '@tanstack/react-query';

import type { Deliverable, StatusColour, TaskRead } from '../../api/agencies';
import { tasksQuery, usePlansQuery } from '../../api/agencies';
import { useTaskDetails } from '../../api/useTaskDetails';

export interface DeliverableRow {
  task: TaskRead;
  deliverable: Deliverable;
  /** How far the value trails the straight-line schedule, in percent of the target (0 when on or ahead). */
  lag: number;
}

export const STATUS_COLOURS: readonly StatusColour[] = ['green', 'amber', 'red'];

function lagOf(deliverable: Deliverable): number {
  const { value, expected_value: expected } = deliverable.progress;
  if (deliverable.value <= 0) return 0;
  return Math.max(0, Math.round(((expected - value) / deliverable.value) * 1000) / 10);
}

/**
 * Every deliverable of a plan with its progress: the plan's task list, then each task's detail (fetched
 * together and shared with the task pages through the cache). `planCode` defaults to the first plan.
 */
export function usePlanDeliverables(planCode?: string) {
  const plans = usePlansQuery();
  const code = planCode ?? plans.data?.[0]?.code;
  const tasks = useQuery({ ...tasksQuery({ plan: code, page: 1, size: 100 }), enabled: Boolean(code) });
  const details = useTaskDetails((tasks.data?.items ?? []).map((task) => ({ plan_code: task.plan_code, number: task.number })));
  const rows: DeliverableRow[] = details.tasks.flatMap((task) =>
    task.deliverables.map((deliverable) => ({ task, deliverable, lag: lagOf(deliverable) })),
  );
  const loading = plans.isLoading || tasks.isLoading || details.isLoading;
  const error = plans.error ?? tasks.error ?? details.error;
  return {
    planCode: code,
    plan: plans.data?.find((plan) => plan.code === code),
    tasks: tasks.data?.items ?? [],
    rows,
    isLoading: loading,
    isComplete: !loading && tasks.isSuccess && details.tasks.length === (tasks.data?.items.length ?? 0),
    isError: Boolean(error),
    error,
    refetch: () => {
      void plans.refetch();
      void tasks.refetch();
      details.refetch();
    },
  };
}
