/**
 * The registry of issue codes the CLI adds to the definition codes (`DEF_*`): problems met
 * before a file reaches `validateDefinition`. A retired code is never reused.
 *
 * @module
 */

/** Every CLI issue code with what it means and how to fix it. */
export const cliIssueCodes = {
  CLI_READ_ERROR: {
    what: 'A file or directory named on the command line could not be read.',
    fix: 'Check the path and its permissions; the message quotes the operating system error.',
  },
  CLI_JSON_SYNTAX: {
    what: 'A file is not valid JSON.',
    fix: 'Correct the JSON at the line and column the message gives (trailing commas and unquoted names are the usual causes).',
  },
  CLI_NO_FILES: {
    what: 'A directory named on the command line holds no `*.json` file.',
    fix: 'Name the directory that holds the definitions, or name the files themselves.',
  },
} as const satisfies Record<string, { what: string; fix: string }>;

/** A CLI issue code. */
export type CliIssueCode = keyof typeof cliIssueCodes;
