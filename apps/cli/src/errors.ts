/**
 * The registry of issue codes the CLI adds to the definition codes (`DEF_*`): problems met
 * before a file reaches `validateDefinition`. A retired code is never reused. `what` and `fix`
 * (English) are what `docs/errors.md` is generated from; `zh-CN` says the same in Chinese.
 *
 * @module
 */

/** What a code means and how to fix it. */
interface CodeHelp {
  what: string;
  fix: string;
}

/** Every CLI issue code with what it means and how to fix it, in English and in Chinese. */
export const cliIssueCodes = {
  CLI_READ_ERROR: {
    what: 'A file or directory named on the command line could not be read.',
    fix: 'Check the path and its permissions; the message quotes the operating system error.',
    'zh-CN': {
      what: '命令行中指定的文件或目录无法读取。',
      fix: '检查路径及其权限；消息中引用了操作系统给出的错误。',
    },
  },
  CLI_JSON_SYNTAX: {
    what: 'A file is not valid JSON.',
    fix: 'Correct the JSON at the line and column the message gives (trailing commas and unquoted names are the usual causes).',
    'zh-CN': {
      what: '文件不是有效的 JSON。',
      fix: '按消息给出的行号和列号修正 JSON（常见原因是末尾多余的逗号和未加引号的属性名）。',
    },
  },
  CLI_NO_FILES: {
    what: 'A directory named on the command line holds no `*.json` file.',
    fix: 'Name the directory that holds the definitions, or name the files themselves.',
    'zh-CN': {
      what: '命令行中指定的目录里没有 `*.json` 文件。',
      fix: '指定存放流程定义的目录，或直接指定这些文件。',
    },
  },
} as const satisfies Record<string, CodeHelp & { 'zh-CN': CodeHelp }>;

/** A CLI issue code. */
export type CliIssueCode = keyof typeof cliIssueCodes;
