/**
 * The English catalogue: the reference every other catalogue must match key for key (see
 * {@link Catalogue}). i18next interpolation: `{{name}}`.
 */
export const en = {
  app: {
    name: 'Baton',
    tagline: 'Workflows for sales teams',
    loading: 'Loading…',
  },
  login: {
    title: 'Log in to Baton',
    subtitle: 'Design, run and improve your sales processes.',
    username: 'Username',
    password: 'Password',
    usernameRequired: 'Enter your username.',
    passwordRequired: 'Enter your password.',
    submit: 'Log in',
    invalidCredentials: 'Unknown username or wrong password. Check both and try again.',
    failed: 'Logging in failed ({{code}}). Try again in a moment.',
    unreachable: 'The server cannot be reached. Check your connection and try again.',
    language: 'Language',
  },
  nav: {
    designer: 'Designer',
    models: 'Process models',
    inbox: 'Inbox',
    start: 'Start',
    instances: 'Instances',
    analytics: 'Analytics',
    ops: 'Operations',
    menu: 'Menu',
  },
  user: {
    language: 'Language',
    logout: 'Log out',
    loggedOut: 'You have been logged out.',
    sessionExpired: 'Your session has ended. Log in again.',
  },
  languages: {
    'zh-CN': '简体中文',
    en: 'English',
  },
  models: {
    title: 'Process models',
    intro: 'Every process your company runs, with its versions. Open one to design it.',
    search: 'Search by name or key',
    key: 'Key',
    name: 'Name',
    description: 'Description',
    versions: 'Versions',
    latest: 'Latest version',
    published: 'Published',
    updated: 'Updated',
    noVersions: 'No versions yet',
    versionNumber: 'v{{number}}',
    statusDraft: 'Draft',
    statusPublished: 'Published',
    statusRetired: 'Retired',
    stateCurrent: 'As it runs today',
    stateTarget: 'Target state',
    empty: 'No process models yet. Models you create or import appear here.',
    noMatch: 'No model matches “{{query}}”.',
    loadFailed: 'The models could not be loaded ({{code}}). Try again in a moment.',
    retry: 'Try again',
    count: '{{count}} models',
  },
  placeholder: {
    comingSoon: 'Coming soon',
    inbox: {
      title: 'Inbox',
      body: 'Your tasks will be here: to do, done by me, started by me and copied to me, with the time left to each deadline in working time, and batch approval.',
    },
    start: {
      title: 'Start a process',
      body: 'The processes you may start will be listed here, each with its start form, together with the instances you started and their current step.',
    },
    instances: {
      title: 'Instances',
      body: 'Running and finished instances will be searchable here by business key, process, version, status, team and period, each with its diagram, tasks and history.',
    },
    analytics: {
      title: 'Analytics',
      body: 'Cycle times, waiting and working time per step, deadline hit rates and comparisons of versions will be charted here.',
    },
    ops: {
      title: 'Operations',
      body: 'Deployments, stuck work, incidents, migration between versions, the directory and the calendars will be managed here.',
    },
  },
  errors: {
    title: 'Something went wrong',
    reload: 'Reload the page',
    notFound: 'There is no page at this address.',
    backHome: 'Back to the start page',
  },
};
