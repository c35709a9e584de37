import { createBrowserRouter, Navigate } from 'react-router';
import { RouteError } from './route-error.tsx';

/** Turns a page module's default export into a lazy route's component. */
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

/**
 * The app's routes. Every page is its own chunk (`lazy`), so the first page loads only what it
 * needs: the login page does not load the shell, the models list does not load the designer.
 */
export const router = createBrowserRouter([
  {
    path: '/login',
    lazy: page(() => import('./login-page.tsx')),
    errorElement: <RouteError />,
    HydrateFallback: () => null,
  },
  {
    path: '/',
    lazy: page(() => import('./app-layout.tsx')),
    errorElement: <RouteError />,
    HydrateFallback: () => null,
    children: [
      { index: true, element: <Navigate to="/models" replace /> },
      { path: 'models', lazy: page(() => import('../designer/models-page.tsx')) },
      { path: 'models/:key', lazy: page(() => import('../designer/designer-page.tsx')) },
      { path: 'models/:key/versions/:number', lazy: page(() => import('../designer/designer-page.tsx')) },
      { path: 'inbox', lazy: page(() => import('../work/inbox-page.tsx')) },
      { path: 'start', lazy: page(() => import('../work/start-page.tsx')) },
      { path: 'tasks/:id', lazy: page(() => import('../work/task/task-page.tsx')) },
      { path: 'instances', lazy: page(() => import('../ops/instances-page.tsx')) },
      { path: 'instances/:id', lazy: page(() => import('../ops/instance-page.tsx')) },
      { path: 'analytics', lazy: page(() => import('../analytics/analytics-page.tsx')) },
      { path: 'analytics/compare', lazy: page(() => import('../analytics/compare-page.tsx')) },
      { path: 'analytics/team', lazy: page(() => import('../analytics/team-page.tsx')) },
      { path: 'analytics/simulation', lazy: page(() => import('../analytics/simulation/simulation-page.tsx')) },
      { path: 'ops', lazy: page(() => import('../ops/ops-page.tsx')) },
      { path: 'ops/migration', lazy: page(() => import('../ops/migration/migration-page.tsx')) },
      { path: 'ops/calendars', lazy: page(() => import('../ops/calendars/calendars-page.tsx')) },
      { path: '*', lazy: page(() => import('./not-found-page.tsx')) },
    ],
  },
]);
