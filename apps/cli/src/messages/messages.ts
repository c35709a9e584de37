/**
 * The shape of the CLI's message catalogue: every text `baton` prints, per language. `en.ts` and
 * `zh-CN.ts` each give one object of this type, so a text missing in either is a type error.
 *
 * Texts that are not the CLI's own stay as they come: messages of the definition validator
 * (`DEF_*`) and of the server (`API_*`), Node's option-parser and JSON-parser messages. Command
 * and option names, codes, enumerated values (`running`, `target`, …) and `--json` output are
 * never translated.
 *
 * @module
 */
import type { Cohort } from '@baton/client';

/** The names of the `baton` sub-commands, each with its help in the catalogue. */
export type CommandName =
  | 'validate'
  | 'login'
  | 'deploy'
  | 'versions'
  | 'instances'
  | 'tasks'
  | 'task'
  | 'instance'
  | 'delegate'
  | 'migrate'
  | 'logout';

/** The help of one command: its line in the command list and its `baton help <name>` text. */
export interface CommandHelp {
  /** One line for the command list in `baton help`. */
  summary: string;
  /** The usage text of `baton help <name>`: synopsis, options, exit codes; ends with a newline. */
  usage: string;
}

/** The counts a `baton validate` summary line reports. */
export interface ValidateCounts {
  files: number;
  valid: number;
  invalid: number;
  errors: number;
  warnings: number;
}

/** A text that depends on the language: looked up in the catalogue when it is printed. */
export type LocalText = (messages: Messages) => string;

/** Every text `baton` prints. Parameterised texts are functions; lines carry no trailing newline. */
export interface Messages {
  /** The top-level help and what `main()` itself reports. */
  main: {
    /** The first line of the top-level help. */
    synopsis: string;
    /** The heading of the command list. */
    commandsHeading: string;
    /** The summary of the `help` pseudo-command. */
    helpSummary: string;
    /** How the language is chosen; the last paragraph of the top-level help. */
    languageNote: string;
    /** An unknown command, with the closest command name when one is close. */
    unknownCommand: (name: string, suggestion: string | undefined) => string;
    /** A bug: the command threw. `detail` is the stack or message. */
    unexpectedFailure: (command: string, detail: string) => string;
    /** `BATON_LANG` is set to something other than `en` or `zh-CN`. */
    badLanguage: (value: string) => string;
  };
  /** Argument parsing shared by the commands. */
  args: {
    /** The number of positional arguments is outside `min`…`max`. */
    wrongCount: (min: number, max: number, got: number) => string;
  };
  /** The help of every command. */
  commands: Record<CommandName, CommandHelp>;
  /** Reading files and directories named on the command line (the `CLI_*` issues). */
  files: {
    /** `CLI_READ_ERROR`; `reason` comes from `files.fsError`. */
    cannotRead: (file: string, reason: string) => string;
    /** `CLI_NO_FILES`. */
    noJsonFiles: (directory: string) => string;
    /** `CLI_JSON_SYNTAX`; `detail` is the JSON parser's own (English) message. */
    notJson: (line: number, column: number, detail: string) => string;
    /** Phrases for the common file-system error codes. */
    fsErrors: { ENOENT: string; EACCES: string; EISDIR: string; ENOTDIR: string };
    /** A file-system error phrase with its code, e.g. `no such file or directory (ENOENT)`. */
    fsError: (phrase: string, code: string) => string;
  };
  /** `baton validate`. */
  validate: {
    /** No file or directory was named. */
    noPaths: string;
    /** The prefix of a warning's message in an issue line. */
    warning: (message: string) => string;
    /** The summary line after the issues. */
    summary: (counts: ValidateCounts) => string;
  };
  /** `baton deploy`. */
  deploy: {
    badCohort: (text: string) => string;
    badState: (text: string) => string;
    isDirectory: (file: string) => string;
    invalidDefinition: (file: string) => string;
    /** `--model` names a missing model whose key differs from the definition's. */
    keyMismatch: (model: string, definitionKey: string, file: string) => string;
    createdModel: (key: string) => string;
    published: (key: string, version: number, state: string, hash: string) => string;
    unchanged: (key: string, version: number, hash: string) => string;
    alreadyDeployed: (version: number, cohort: string, deployment: number) => string;
    deployed: (key: string, version: number, cohort: string, deployment: number) => string;
    /** A cohort for people, e.g. `teams sales-east, sales-west`. */
    cohort: (cohort: Cohort) => string;
  };
  /** `baton versions`. */
  versions: {
    header: readonly [number: string, state: string, status: string, hash: string, published: string];
  };
  /** `baton instances`. */
  instances: {
    header: readonly [
      id: string,
      status: string,
      version: string,
      businessKey: string,
      initiator: string,
      started: string,
      updated: string,
    ];
    badStatus: (status: string, allowed: readonly string[]) => string;
    badLimit: (text: string) => string;
    /** No instance matched; `status` when `--status` was given. */
    none: (model: string, status: string | undefined) => string;
  };
  /** `baton tasks`. */
  tasks: {
    header: readonly [id: string, task: string, process: string, instance: string, due: string, assignee: string];
    none: (username: string) => string;
    /** The header of `--list done` (the completion time in place of the assignee). */
    doneHeader: readonly [id: string, task: string, process: string, instance: string, due: string, completed: string];
    /** The header of `--list cc`. */
    ccHeader: readonly [
      id: string,
      process: string,
      instance: string,
      step: string,
      by: string,
      at: string,
      read: string,
    ];
    /** Nothing in a list (`todo`, `done`, `started`, `cc`). */
    emptyList: (list: string) => string;
    /** The line after a list: how many match, and how to get the next page. */
    more: (shown: number, count: number) => string;
    /** The read-state cell of the cc list. */
    unread: string;
    read: string;
    badList: (text: string) => string;
    badLimit: (text: string) => string;
  };
  /** `baton task`. */
  task: {
    badAction: (text: string, allowed: readonly string[]) => string;
    badId: (text: string) => string;
    badPosition: (text: string) => string;
    needUsers: string;
    needTo: string;
    /** One task command done: `action` as typed (approve, reject, …), the task's status after it. */
    done: (action: string, id: number, status: string) => string;
    /** Batch approval: how many succeeded and failed. */
    batch: (succeeded: number, failed: number) => string;
    /** One failed task of a batch. */
    batchFailed: (id: number, code: string, message: string) => string;
  };
  /** `baton instance`. */
  instance: {
    badAction: (text: string, allowed: readonly string[]) => string;
    withdrawn: (id: string, status: string) => string;
    commented: (id: string) => string;
  };
  /** `baton delegate`. */
  delegate: {
    header: readonly [id: string, user: string, agent: string, from: string, until: string, state: string];
    none: string;
    set: (agent: string, from: string, until: string, id: number) => string;
    ended: (id: number) => string;
    badMode: string;
    badId: (text: string) => string;
  };
  /** `baton migrate`. */
  migrate: {
    header: readonly [source: string, target: string, instances: string];
    /** A source node without a target: to be chosen with --map. */
    unmapped: string;
    badVersion: (option: string, text: string) => string;
    badMap: (text: string) => string;
    summary: (total: number, movable: number, blocked: number) => string;
    blocked: (instance: string, businessKey: string | null, reasons: string) => string;
    started: (id: number, total: number) => string;
    progress: (migrated: number, failed: number, total: number) => string;
    done: (id: number, migrated: number, failed: number) => string;
    stopped: (id: number) => string;
    nothing: string;
  };
  /** `baton login` and `baton logout`. */
  login: {
    badServer: (server: string) => string;
    /** The question for the user name on a terminal (ends with the space before the answer). */
    usernamePrompt: string;
    /** The question for the password on a terminal (ends with the space before the answer). */
    passwordPrompt: (username: string, server: string) => string;
    noUsername: string;
    noPassword: string;
    loggedIn: (server: string, username: string, roles: readonly string[], file: string) => string;
    loggedOut: (file: string) => string;
    notLoggedIn: string;
    tokenStillSet: string;
  };
  /** Talking to the server: connection, session and error reporting. */
  server: {
    /** No session and no `BATON_SERVER`/`BATON_TOKEN`; `server` is `''` when none is known. */
    notLoggedIn: (server: string) => string;
    /** The server cannot be reached; `reason` comes from `server.networkError`. */
    cannotReach: (server: string, reason: string) => string;
    /** Phrases for the common network error codes. */
    networkErrors: {
      ECONNREFUSED: string;
      ENOTFOUND: string;
      ECONNRESET: string;
      ETIMEDOUT: string;
      EHOSTUNREACH: string;
      UND_ERR_CONNECT_TIMEOUT: string;
    };
    /** A network error phrase with its code, e.g. `connection refused, ECONNREFUSED`. */
    networkError: (phrase: string, code: string) => string;
    /** The hint after `API_UNAUTHENTICATED`. */
    sessionExpired: string;
    /** A response body that is not JSON; `request` is e.g. `GET /api/tasks`. */
    notJson: (request: string, status: number, server: string) => string;
    /** An error status without Baton's `{ code, message }` body; `request` is e.g. `GET /api/tasks`. */
    noErrorBody: (request: string, status: number) => string;
    /** A list response of an unknown shape. */
    unexpectedList: (list: 'instances' | 'tasks') => string;
  };
}
