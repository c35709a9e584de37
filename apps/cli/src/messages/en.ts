/**
 * The English texts of `baton` (`en`).
 *
 * @module
 */
import { instanceStatuses } from '@baton/client';
import { defaultServer } from '../session.ts';
import type { Messages } from './messages.ts';

/** `1 file`, `2 files`. */
function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Every text of `baton` in English. */
export const en: Messages = {
  main: {
    synopsis: 'Usage: baton <command> [options]',
    commandsHeading: 'Commands:',
    helpSummary: "Show this help, or a command's help: baton help <command>",
    languageNote: `Language: BATON_LANG (en or zh-CN); else the first of LC_ALL, LC_MESSAGES and LANG that is
set (a value starting with "zh" gives zh-CN, any other en); else en.`,
    unknownCommand: (name, suggestion) =>
      `baton: unknown command "${name}".${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
    unexpectedFailure: (command, detail) =>
      `baton ${command}: unexpected failure: ${detail}\nPlease report this with the command you ran.`,
    badLanguage: (value) =>
      `baton: BATON_LANG "${value}" is not a language of baton; set it to en or zh-CN, or unset it to follow LC_ALL, LC_MESSAGES and LANG.`,
  },
  args: {
    wrongCount: (min, max, got) => `expected ${min === max ? `${min}` : `${min} to ${max}`} argument(s), got ${got}.`,
  },
  commands: {
    validate: {
      summary: 'Check process definition files (or every *.json under a directory)',
      usage: `Usage: baton validate [--json] FILE|DIR...

Validates process definitions. A directory is searched recursively for *.json files
(node_modules and hidden directories are skipped).

Prints one line per issue, "FILE  PATH  CODE  message", where PATH is a JSON Pointer into
the file ("(root)" for the whole file), then a summary line.

Options:
  --json      Print a JSON array [{ "file", "ok", "issues" }] instead
  -h, --help  Show this help

Exit codes: 0 no errors (warnings allowed), 1 a file has an error or could not be read,
2 bad usage.
`,
    },
    login: {
      summary: 'Log in to a Baton server and store the session',
      usage: `Usage: baton login [--server URL] [--username NAME] [--password PASSWORD]

Logs in to a Baton server and stores the session (server, token, username) in
$XDG_CONFIG_HOME/baton/session.json, else ~/.config/baton/session.json (mode 0600).
The token is valid for 12 hours.

Options:
  --server URL       The server, e.g. http://127.0.0.1:3000. Default: BATON_SERVER, then the
                     stored session's server, then ${defaultServer}
  --username NAME    Default: the stored session's user; asked for on a terminal
  --password PASS    Prefer BATON_PASSWORD or the prompt: a password on the command line
                     stays in the shell history and is visible to other local users
  -h, --help         Show this help

Exit codes: 0 logged in, 1 refused or the server is unreachable, 2 bad usage.
`,
    },
    deploy: {
      summary: 'Validate, publish and deploy a process definition to a cohort',
      usage: `Usage: baton deploy FILE [--model KEY] [--state current|target] [--cohort COHORT]

Validates the definition in FILE (printing issues like "baton validate"), creates the process
model if it does not exist (named after the definition), publishes the definition as a new
version (or reports "unchanged, version N" when identical content is already published) and
deploys that version to a cohort of new instances.

Options:
  --model KEY       The model key. Default: the definition's "key"
  --state STATE     current (as it runs today) or target. Default: the definition's "state", else target
  --cohort COHORT   all (default); team:NAME[,team:NAME...] (those teams and their sub-teams);
                    share:N% (N percent of business keys, 1-100)
  -h, --help        Show this help

Needs a session (baton login) or BATON_SERVER and BATON_TOKEN. Creating a model and publishing
need the owner or admin role; deploying needs operator or admin.

Exit codes: 0 deployed (or already deployed), 1 invalid definition or refused by the server,
2 bad usage.
`,
    },
    versions: {
      summary: "List a process model's versions",
      usage: `Usage: baton versions KEY [--json]

Lists the versions of process model KEY, oldest first: number, state (current or target),
status (draft, published, retired), the first 12 characters of the content hash, and when it
was published (UTC).

Options:
  --json      Print the versions as JSON instead
  -h, --help  Show this help

Exit codes: 0 listed, 1 refused by the server or not logged in, 2 bad usage.
`,
    },
    instances: {
      summary: 'List the instances of a process model',
      usage: `Usage: baton instances KEY [--status STATUS] [--limit N] [--json]

Lists instances of process model KEY: id, status, version, business key, who started it, and
when it was started and last changed (UTC).

Options:
  --status STATUS  Only instances with this status: ${instanceStatuses.join(', ')}
  --limit N        At most N instances (1-500). Default: the server's (50)
  --json           Print the instances as JSON instead
  -h, --help       Show this help

Exit codes: 0 listed, 1 refused by the server or not logged in, 2 bad usage.
`,
    },
    tasks: {
      summary: 'List your inbox (open and claimed tasks)',
      usage: `Usage: baton tasks [--json]

Lists your inbox: the open and claimed tasks you are assigned to or may claim, with the task
name in your language (else English), the instance, the due time (UTC) and the assignee
("-" while nobody has claimed it).

Options:
  --json      Print the tasks as JSON instead
  -h, --help  Show this help

Exit codes: 0 listed, 1 refused by the server or not logged in, 2 bad usage.
`,
    },
    logout: {
      summary: 'Forget the stored session',
      usage: `Usage: baton logout

Deletes the stored session file. (The token itself stays valid until it expires.)

Exit codes: 0 done, 2 bad usage.
`,
    },
  },
  files: {
    cannotRead: (file, reason) => `Cannot read "${file}": ${reason}. Check the path and its permissions.`,
    noJsonFiles: (directory) =>
      `Directory "${directory}" holds no *.json file (node_modules and hidden directories are skipped). Name the directory that holds the definitions, or the files themselves.`,
    notJson: (line, column, detail) =>
      `At line ${line}, column ${column}: the file is not valid JSON (${detail}). Correct the syntax there; trailing commas and unquoted names are the usual causes.`,
    fsErrors: {
      ENOENT: 'no such file or directory',
      EACCES: 'permission denied',
      EISDIR: 'it is a directory',
      ENOTDIR: 'a part of the path is not a directory',
    },
    fsError: (phrase, code) => `${phrase} (${code})`,
  },
  validate: {
    noPaths: 'name at least one file or directory.',
    warning: (message) => `warning: ${message}`,
    summary: (c) =>
      `Checked ${plural(c.files, 'file')}: ${c.valid} valid, ${c.invalid} invalid; ${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}.`,
  },
  deploy: {
    badCohort: (text) =>
      `--cohort "${text}" is not a cohort; use all, team:NAME[,team:NAME], or share:N% with N from 1 to 100.`,
    badState: (text) => `--state "${text}" is not a state; use current or target.`,
    isDirectory: (file) => `"${file}" is a directory; name one definition file.`,
    invalidDefinition: (file) => `${file} is not a valid definition; nothing was sent to the server.`,
    keyMismatch: (model, definitionKey, file) =>
      `model "${model}" does not exist, and the definition's key is "${definitionKey}". Drop --model, or set "key" in ${file} to "${model}".`,
    createdModel: (key) => `Created model ${key}.`,
    published: (key, version, state, hash) => `Published ${key} version ${version} (${state}, sha256 ${hash}).`,
    unchanged: (key, version, hash) => `${key}: unchanged, version ${version} (sha256 ${hash}).`,
    alreadyDeployed: (version, cohort, deployment) =>
      `Version ${version} is already deployed to ${cohort}: deployment ${deployment}.`,
    deployed: (key, version, cohort, deployment) =>
      `Deployed ${key} version ${version} to ${cohort}: deployment ${deployment}.`,
    cohort: (cohort) => {
      if (cohort.type === 'all') return 'all new instances';
      if (cohort.type === 'teams') return `team${cohort.teams.length === 1 ? '' : 's'} ${cohort.teams.join(', ')}`;
      return `${cohort.percent}% of business keys`;
    },
  },
  versions: {
    header: ['NUMBER', 'STATE', 'STATUS', 'HASH', 'PUBLISHED'],
  },
  instances: {
    header: ['ID', 'STATUS', 'VERSION', 'BUSINESS KEY', 'INITIATOR', 'STARTED', 'UPDATED'],
    badStatus: (status, allowed) => `--status "${status}" is not an instance status; use one of ${allowed.join(', ')}.`,
    badLimit: (text) => `--limit "${text}" must be a whole number from 1 to 500.`,
    none: (model, status) => `No instances of ${model}${status === undefined ? '' : ` with status ${status}`}.`,
  },
  tasks: {
    header: ['ID', 'TASK', 'PROCESS', 'INSTANCE', 'DUE', 'ASSIGNEE'],
    none: (username) => `No open tasks for ${username}.`,
  },
  login: {
    badServer: (server) => `"${server}" is not a server URL; use e.g. http://127.0.0.1:3000.`,
    usernamePrompt: 'Username: ',
    passwordPrompt: (username, server) => `Password for ${username}@${server}: `,
    noUsername: 'no username: pass --username NAME.',
    noPassword: 'no password: set BATON_PASSWORD, run in a terminal to be asked, or pass --password.',
    loggedIn: (server, username, roles, file) =>
      `Logged in to ${server} as ${username} (${roles.join(', ') || 'no role'}). Session saved to ${file}.`,
    loggedOut: (file) => `Logged out; removed ${file}.`,
    notLoggedIn: 'Not logged in; nothing to remove.',
    tokenStillSet: 'Note: BATON_TOKEN is still set in the environment and is used by every command.',
  },
  server: {
    notLoggedIn: (server) =>
      `Not logged in${server === '' ? '' : ` to ${server}`}. Run "baton login --server URL --username NAME", or set BATON_SERVER and BATON_TOKEN.`,
    cannotReach: (server, reason) =>
      `Cannot reach the Baton server at ${server} (${reason}). Check that it is running and the URL is right (--server, BATON_SERVER).`,
    networkErrors: {
      ECONNREFUSED: 'connection refused',
      ENOTFOUND: 'unknown host',
      ECONNRESET: 'connection reset',
      ETIMEDOUT: 'timed out',
      EHOSTUNREACH: 'host unreachable',
      UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
    },
    networkError: (phrase, code) => `${phrase}, ${code}`,
    sessionExpired: 'Your session may have expired: run "baton login".',
    notJson: (request, status, server) =>
      `${request}: the server answered ${status} with a body that is not JSON. Check that ${server} is a Baton server.`,
    noErrorBody: (request, status) => `${request}: the server answered ${status} without a Baton error body.`,
    unexpectedList: (list) => `The server's list of ${list} has an unexpected shape; update the baton CLI.`,
  },
};
