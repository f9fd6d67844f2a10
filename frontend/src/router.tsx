import type { QueryClient } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import type { LoaderFunctionArgs, RouteObject } from 'react-router';
import { createBrowserRouter } from 'react-router';

import { agencyQuery, matrixQuery, plansQuery, taskQuery, tasksQuery } from './api/agencies';
import type { UserRead } from './auth/authApi';
import { canManageApiKeys, isAdmin, isAgencyStaff, isExpert, seesApplications } from './auth/authApi';
import AppLayout from './components/AppLayout';
import RequireAuth from './components/RequireAuth';
import RouteError from './components/RouteError';
import { applicationQuery, callQuery, callsQuery, noticesQuery } from './pages/applications/applicationsApi';
import { readCallFilters } from './pages/applications/callFilters';
import { readTaskFilters, taskListParams } from './pages/tasks/taskFilters';

type PageModule = { default: ComponentType };

/**
 * A page whose code is fetched when it is first visited. `allow` gates it by role; anonymous visitors
 * are sent to sign in.
 */
function page(load: () => Promise<PageModule>, allow?: (user: UserRead) => boolean) {
  return async () => {
    const { default: Page } = await load();
    if (!allow) return { Component: Page };
    return {
      Component: function GatedPage() {
        return (
          <RequireAuth allow={allow}>
            <Page />
          </RequireAuth>
        );
      },
    };
  };
}

/**
 * Routes' loaders start the data a page needs while its code is still on its way (the router runs a
 * route's loader and its lazy import together) and return at once; the page reads the same queries.
 */
export function appRoutes(queryClient: QueryClient): RouteObject[] {
  const warmPlans = () => {
    void queryClient.prefetchQuery(plansQuery());
    return null;
  };
  /** Pages about "the" plan: their data starts as soon as the plan list is in. */
  const warmFirstPlan = (then: (planCode: string) => void) => () => {
    void queryClient
      .fetchQuery(plansQuery())
      .then((plans) => plans[0] && then(plans[0].code))
      .catch(() => undefined);
    return null;
  };
  return [
    {
      element: <AppLayout />,
      errorElement: <RouteError />,
      // Shown for the moment the first page's code is on its way (index.html shows the same bar).
      hydrateFallbackElement: <div className="tpp-boot" aria-busy="true" />,
      children: [
        {
          index: true,
          lazy: page(() => import('./pages/home/HomePage')),
          loader: warmFirstPlan((plan) => void queryClient.prefetchQuery(tasksQuery({ plan, page: 1, size: 100 }))),
        },
        { path: 'status', lazy: page(() => import('./pages/status/StatusPage')) },
        { path: 'login', lazy: page(() => import('./pages/auth/LoginPage')) },
        { path: 'register', lazy: page(() => import('./pages/auth/RegisterPage')) },
        {
          path: 'tasks',
          lazy: page(() => import('./pages/tasks/TasksPage')),
          loader: ({ request }: LoaderFunctionArgs) => {
            void queryClient.prefetchQuery(tasksQuery(taskListParams(readTaskFilters(new URL(request.url).searchParams))));
            return warmPlans();
          },
        },
        {
          path: 'tasks/:planCode/:number',
          lazy: page(() => import('./pages/tasks/TaskPage')),
          loader: ({ params }: LoaderFunctionArgs) => {
            const number = Number(params.number);
            if (params.planCode && Number.isInteger(number) && number > 0) void queryClient.prefetchQuery(taskQuery(params.planCode, number));
            return null;
          },
        },
        {
          path: 'deliverables',
          lazy: page(() => import('./pages/deliverables/DeliverablesPage')),
          loader: warmPlans,
        },
        {
          path: 'matrix',
          lazy: page(() => import('./pages/matrix/MatrixPage')),
          loader: ({ request }: LoaderFunctionArgs) => {
            const search = new URL(request.url).searchParams;
            if (search.get('plan')) return warmPlans();
            const expand = search.get('expand') === '1' ? { expand_groups: true } : {};
            return warmFirstPlan((code) => void queryClient.prefetchQuery(matrixQuery({ plan: code, ...expand })))();
          },
        },
        {
          path: 'agencies/:code',
          lazy: page(() => import('./pages/agencies/AgencyPage')),
          loader: ({ params }: LoaderFunctionArgs) => {
            if (params.code) void queryClient.prefetchQuery(agencyQuery(params.code));
            return null;
          },
        },
        { path: 'my-agency', lazy: page(() => import('./pages/agencies/MyAgencyPage'), isAgencyStaff) },
        { path: 'reports', lazy: page(() => import('./pages/reports/ReportsPage'), isAgencyStaff) },
        {
          path: 'supervision',
          lazy: page(() => import('./pages/supervision/SupervisionPage'), (user) => isAdmin(user) || isAgencyStaff(user)),
        },
        {
          path: 'calls',
          lazy: page(() => import('./pages/applications/CallsPage')),
          loader: ({ request }: LoaderFunctionArgs) => {
            void queryClient.prefetchQuery(callsQuery(readCallFilters(new URL(request.url).searchParams)));
            return null;
          },
        },
        {
          path: 'calls/:id',
          lazy: page(() => import('./pages/applications/CallPage')),
          loader: ({ params }: LoaderFunctionArgs) => {
            const id = Number(params.id);
            if (Number.isInteger(id) && id > 0) void queryClient.prefetchQuery(callQuery(id));
            return null;
          },
        },
        {
          path: 'notices',
          lazy: page(() => import('./pages/applications/NoticesPage')),
          loader: () => {
            void queryClient.prefetchQuery(noticesQuery({}));
            return null;
          },
        },
        { path: 'notices/:id', lazy: page(() => import('./pages/applications/NoticesPage')) },
        { path: 'applications', lazy: page(() => import('./pages/applications/ApplicationsPage'), seesApplications) },
        {
          path: 'applications/:id',
          lazy: page(() => import('./pages/applications/ApplicationPage'), (user) => seesApplications(user) || isExpert(user)),
          loader: ({ params }: LoaderFunctionArgs) => {
            const id = Number(params.id);
            if (Number.isInteger(id) && id > 0) void queryClient.prefetchQuery(applicationQuery(id)).catch(() => undefined);
            return null;
          },
        },
        { path: 'funding', lazy: page(() => import('./pages/funding/FundingPage')) },
        { path: 'funding/awards', lazy: page(() => import('./pages/funding/AwardsPage'), (user) => isAdmin(user) || isAgencyStaff(user)) },
        { path: 'funding/awards/:id', lazy: page(() => import('./pages/funding/AwardPage'), (user) => isAdmin(user) || isAgencyStaff(user)) },
        { path: 'decisions', lazy: page(() => import('./pages/decisions/DecisionsPage'), isAdmin) },
        { path: 'decisions/:callId', lazy: page(() => import('./pages/decisions/DecisionsPage'), isAdmin) },
        { path: 'reviews', lazy: page(() => import('./pages/applications/ReviewsPage'), isExpert) },
        { path: 'admin/programs', lazy: page(() => import('./pages/applications/AdminProgramsPage'), isAdmin) },
        { path: 'admin/calendar', lazy: page(() => import('./pages/applications/AdminCalendarPage'), isAdmin) },
        { path: 'admin/quotas', lazy: page(() => import('./pages/applications/AdminQuotaPage'), isAdmin) },
        { path: 'admin/quotas/:id', lazy: page(() => import('./pages/applications/AdminQuotaPage'), isAdmin) },
        { path: 'admin/users', lazy: page(() => import('./pages/admin/UsersPage'), isAdmin) },
        { path: 'admin/api-keys', lazy: page(() => import('./pages/admin/ApiKeysPage'), canManageApiKeys) },
        { path: 'admin/webhooks', lazy: page(() => import('./pages/admin/WebhooksPage'), canManageApiKeys) },
        { path: '*', lazy: page(() => import('./pages/NotFoundPage')) },
      ],
    },
  ];
}

export function createAppRouter(queryClient: QueryClient) {
  return createBrowserRouter(appRoutes(queryClient));
}
