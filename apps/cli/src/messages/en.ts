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
       baton tasks --list todo|done|started|cc [--process KEY] [--step NODE] [--overdue] [--unread] [--limit N] [--json]

Lists your inbox: the open and claimed tasks you are assigned to or may claim, with the task
name in your language (else English), the instance, the due time (UTC) and the assignee
("-" while nobody has claimed it).

With --list, one of the four lists: todo (soonest deadline first), done (completed by you,
newest first), started (your instances), cc (instances cc'd to you, read or not).

Options:
  --list LIST      todo, done, started or cc
  --process KEY    Only this process model
  --step NODE      Only this step
  --overdue        Only past the deadline (todo, done, started)
  --unread         Only unread (cc)
  --limit N        At most N (1-200). Default 50
  --json           Print the tasks as JSON instead
  -h, --help  Show this help

Exit codes: 0 listed, 1 refused by the server or not logged in, 2 bad usage.
`,
    },
    task: {
      summary: 'Act on a task: approve, reject, add signers, withdraw, return, batch-approve',
      usage: `Usage: baton task ACTION ID... [options]

Actions:
  approve ID      Complete the task with the decision "approve"
  reject ID       Complete the task with the decision "reject"
  add-signers ID  Add signers (--users, --position before|after|parallel)
  withdraw ID     Withdraw your completion while the next task is untouched
  return ID       Send the work back (--to NODE, @previous or @initiator)
  batch-approve ID...  Approve several tasks that need no form input; each on its own

Options:
  --comment TEXT      Your comment, kept in the history
  --cc USER,USER      approve/reject: cc these users
  --users USER,USER   add-signers: the signers to add
  --position WHERE    add-signers: before, after or parallel
  --to TARGET         return: an earlier node id, @previous or @initiator
  --reason TEXT       return: why
  --json              Print the server's answer as JSON
  -h, --help          Show this help

Exit codes: 0 done (batch-approve: every task), 1 refused by the server or not logged in, 2 bad usage.
`,
    },
    instance: {
      summary: 'Act on an instance: withdraw it (initiator) or comment on it',
      usage: `Usage: baton instance withdraw ID [--comment TEXT] [--json]
       baton instance comment ID TEXT [--json]

withdraw: the initiator withdraws the instance while no later approver has acted.
comment:  adds a comment to the instance, kept in its history.

Exit codes: 0 done, 1 refused by the server or not logged in, 2 bad usage.
`,
    },
    delegate: {
      summary: 'Delegate your tasks to an agent for a period, list or end delegations',
      usage: `Usage: baton delegate --to USER --until DATE [--from DATE] [--note TEXT]
       baton delegate --list [--all] [--json]
       baton delegate --end ID

Sets your agent for a period (out of office): new tasks that would reach you reach them,
marked "on behalf of" you; it ends on its own at --until. Dates as 2026-12-24 or
2026-12-24T18:00:00Z. --list shows yours (as user or agent); --all everyone's (admin).

Exit codes: 0 done, 1 refused by the server or not logged in, 2 bad usage.
`,
    },
    migrate: {
      summary: 'Move running instances of a model from one version to another (operator, admin)',
      usage: `Usage: baton migrate KEY --from N --to N [--map SOURCE=TARGET]... [--instance ID]...
                     [--business-key-prefix TEXT] [--dry-run] [--json]

Moves the running instances of process model KEY from version --from to version --to (process
instance migration). Active nodes with the same id in both versions are mapped automatically;
map the others with --map (repeatable). Deadlines and timers are counted afresh for the new
nodes; every move is recorded in the instance's history.

First prints the mapping and a dry run: the instances that cannot move and why. With --dry-run
it stops there; otherwise it migrates in batches and shows the progress. An instance that
cannot move stays on its version, unchanged.

Options:
  --from N                    The version the instances run on now
  --to N                      The published version to move them to
  --map SOURCE=TARGET         Send the nodes SOURCE of --from to TARGET of --to (repeatable)
  --instance ID               Only this instance (repeatable); default: every running one
  --business-key-prefix TEXT  Only instances whose business key starts with TEXT
  --dry-run                   Show what would happen; change nothing
  --json                      Print the dry run (or the finished operation) as JSON
  -h, --help                  Show this help

Exit codes: 0 every chosen instance moved (or could, with --dry-run), 1 some cannot move or the
server refused, 2 bad usage.
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
    doneHeader: ['ID', 'TASK', 'PROCESS', 'INSTANCE', 'DUE', 'COMPLETED'],
    ccHeader: ['ID', 'PROCESS', 'INSTANCE', 'STEP', 'BY', 'AT', 'READ'],
    emptyList: (list) => `The ${list} list is empty.`,
    more: (shown, count) => `${shown} of ${count} shown; raise --limit to see more.`,
    unread: 'unread',
    read: 'read',
    badList: (text) => `--list "${text}" is not a list; use todo, done, started or cc.`,
    badLimit: (text) => `--limit "${text}" must be a whole number from 1 to 200.`,
  },
  task: {
    badAction: (text, allowed) => `"${text}" is not an action; use one of ${allowed.join(', ')}.`,
    badId: (text) => `"${text}" is not a task id; task ids are whole numbers (see "baton tasks").`,
    badPosition: (text) => `--position "${text}" is not a position; use before, after or parallel.`,
    needUsers: 'add-signers needs --users USER[,USER].',
    needTo: 'return needs --to NODE (or @previous, @initiator).',
    done: (action, id, status) => `Task ${id}: ${action} done; it is now ${status}.`,
    batch: (succeeded, failed) => `Batch approval: ${succeeded} done, ${failed} refused.`,
    batchFailed: (id, code, message) => `Task ${id}: ${code}: ${message}`,
  },
  instance: {
    badAction: (text, allowed) => `"${text}" is not an action; use one of ${allowed.join(', ')}.`,
    withdrawn: (id, status) => `Instance ${id} withdrawn; it is now ${status}.`,
    commented: (id) => `Comment added to instance ${id}.`,
  },
  migrate: {
    header: ['SOURCE NODE', 'TARGET NODE', 'INSTANCES'],
    unmapped: '(choose with --map)',
    badVersion: (option, text) => `${option} "${text}" must be a version number (1 or more).`,
    badMap: (text) => `--map "${text}" must be SOURCE=TARGET, two node ids.`,
    summary: (total, movable, blocked) => `${total} instance(s) chosen: ${movable} can move, ${blocked} cannot.`,
    blocked: (instance, businessKey, reasons) =>
      `  cannot move ${instance}${businessKey === null ? '' : ` (${businessKey})`}: ${reasons}`,
    started: (id, total) => `Migration ${id} started for ${total} instance(s).`,
    progress: (migrated, failed, total) => `  ${migrated + failed}/${total} done: ${migrated} moved, ${failed} failed`,
    done: (id, migrated, failed) =>
      `Migration ${id} finished: ${migrated} moved, ${failed} could not move (unchanged).`,
    stopped: (id) =>
      `Migration ${id} stopped on a server error; instances moved so far stay moved. See the server log.`,
    nothing: 'No instance to move.',
  },
  delegate: {
    header: ['ID', 'USER', 'AGENT', 'FROM', 'UNTIL', 'STATE'],
    none: 'No delegations.',
    set: (agent, from, until, id) => `Delegation ${id}: your new tasks reach ${agent} from ${from} until ${until}.`,
    ended: (id) => `Delegation ${id} ended.`,
    badMode: 'give --to USER --until DATE, or --list, or --end ID.',
    badId: (text) => `--end "${text}" is not a delegation id (a whole number, see "baton delegate --list").`,
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
