/**
 * The decision (审批) on applications ready for it, as the applications service takes it: approve or reject a
 * list (each application its own outcome), an application's approvals, revoking one (撤销), and the
 * reconciler's report. Administrators only.
 *
 * Every decision request is built here (`decisionRequest`), so a change of the service's contract (a header,
 * a field) is made in one place.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { apiGet, apiPost } from './http';
import type { RequestOptions } from './http';
import type { components } from './schema';

type Schemas = components['schemas'];

const API = '/applications';

export type Decision = 'approve' | 'reject';

export interface LabelText {
  zh: string;
  en: string;
}

/** One application's outcome: approved; rejected; pending (funding unavailable, retried); failed (the place
 * was released, `code` says why); refused (nothing changed, e.g. quota_exhausted). */
export type DecisionOutcome = Schemas['ApplicationsDecisionOutcome'];

export type SagaStep = Schemas['ApplicationsStepRead'];

export type ApprovalRead = Schemas['ApplicationsApprovalRead'];

export type ReconcileLine = Schemas['ApplicationsReconcileLine'];

export type ReconcilerReport = Schemas['ApplicationsReconcilerReportRead'];

export interface DecisionRequest {
  path: string;
  body: { decision: Decision; comment: string; application_ids: number[] };
  options: RequestOptions;
}

/** The request that decides `applicationIds` (one or many) in one call: each gets its own outcome. */
export function decisionRequest(applicationIds: number[], decision: Decision, comment: string): DecisionRequest {
  return { path: `${API}/decisions`, body: { decision, comment: comment.trim(), application_ids: applicationIds }, options: {} };
}

export const approvalsQuery = (applicationId: number) =>
  queryOptions({
    queryKey: ['approvals', applicationId],
    queryFn: ({ signal }) => apiGet<ApprovalRead[]>(`${API}/applications/${applicationId}/approvals`, { signal }),
  });

export const reconcilerReportQuery = () =>
  queryOptions({ queryKey: ['reconciler-report'], queryFn: ({ signal }) => apiGet<ReconcilerReport | null>(`${API}/reconciler/report`, { signal }) });

export const useApprovalsQuery = (applicationId: number, enabled = true) => useQuery({ ...approvalsQuery(applicationId), enabled });
export const useReconcilerReport = (enabled = true) => useQuery({ ...reconcilerReportQuery(), enabled });

// What a decision or a revocation changes: applications and their lists, the call's quota, approvals, notices,
// and the funding figures.
const CHANGED = ['application', 'applications', 'call', 'calls', 'approvals', 'funding-report', 'awards', 'award'];

function useDecisionsMutation<Vars, Result>(fn: (vars: Vars) => Promise<Result>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => Promise.all(CHANGED.map((key) => queryClient.invalidateQueries({ queryKey: [key] }))),
  });
}

export const useDecide = () =>
  useDecisionsMutation(({ ids, decision, comment }: { ids: number[]; decision: Decision; comment: string }) => {
    const request = decisionRequest(ids, decision, comment);
    return apiPost<DecisionOutcome[]>(request.path, request.body, request.options);
  });

export const useRevokeApproval = () =>
  useDecisionsMutation(({ approvalId, reason }: { approvalId: string; reason: string }) =>
    apiPost<ApprovalRead>(`${API}/approvals/${encodeURIComponent(approvalId)}/revoke`, { reason: reason.trim() }),
  );

export function useRunReconciler() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiPost<ReconcilerReport>(`${API}/reconciler/runs`),
    onSuccess: (report) => {
      queryClient.setQueryData(['reconciler-report'], report);
      return Promise.all(CHANGED.map((key) => queryClient.invalidateQueries({ queryKey: [key] })));
    },
  });
}

/** How an outcome reads for the decider: the kind of result, and the amounts when the budget is short. */
export type OutcomeKind = 'approved' | 'rejected' | 'pending' | 'quotaExhausted' | 'budgetShort' | 'failed' | 'refused';

export function outcomeKind(outcome: DecisionOutcome): OutcomeKind {
  if (outcome.outcome === 'approved' || outcome.outcome === 'rejected' || outcome.outcome === 'pending') return outcome.outcome;
  if (outcome.code === 'quota_exhausted' || outcome.code === 'allocation_exhausted') return 'quotaExhausted';
  if (outcome.code === 'budget_insufficient') return 'budgetShort';
  return outcome.outcome;
}

/** The budget's headroom and the amount asked for (fen), when funding said the budget is short. */
export function budgetShortfall(outcome: DecisionOutcome): { available: number; needed: number } | null {
  const available = outcome.detail.headroom_fen;
  const needed = outcome.detail.amount_fen;
  return typeof available === 'number' && typeof needed === 'number' ? { available, needed } : null;
}
