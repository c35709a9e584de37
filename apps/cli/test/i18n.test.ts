import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Cohort } from '@baton/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCohort } from '../src/commands/deploy.ts';
import { commands } from '../src/commands/index.ts';
import type { FileResult } from '../src/commands/validate.ts';
import { catalogues, chooseLanguage, languages, messagesFor } from '../src/i18n.ts';
import { main } from '../src/main.ts';
import { captureIo, repoRoot } from './capture-io.ts';

const zh = { LANG: 'zh_CN.UTF-8' };
const example = 'examples/lead-to-contract/definition.json';
const broken = 'apps/cli/test/fixtures/lead-to-contract-broken.json';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'baton-cli-i18n-'));
  await writeFile(path.join(scratch, 'trailing-comma.json'), '{\n  "schemaVersion": 1,\n}\n');
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/**
 * Runs `baton` with `env` (and a config home of its own, so the real session is never read).
 * Texts that need a server are tested against a real one in ops.test.ts.
 */
async function run(argv: string[], env: Record<string, string>) {
  const c = captureIo(repoRoot, { env: { XDG_CONFIG_HOME: path.join(scratch, 'config'), ...env } });
  const code = await main(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr(), lines: c.lines() };
}

describe('chooseLanguage', () => {
  it.each([
    [{}, 'en'],
    [{ LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh_TW.UTF-8' }, 'zh-CN'],
    [{ LANG: 'zh' }, 'zh-CN'],
    [{ LANG: 'en_US.UTF-8' }, 'en'],
    [{ LANG: 'C' }, 'en'],
    [{ LANG: 'de_DE.UTF-8' }, 'en'],
    [{ LC_ALL: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'zh_CN.UTF-8' }, 'en'],
    [{ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }, 'zh-CN'],
    [{ LC_MESSAGES: 'C', LANG: 'zh_CN.UTF-8' }, 'en'],
    [{ LC_ALL: '', LC_MESSAGES: '', LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
    [{ BATON_LANG: 'en', LANG: 'zh_CN.UTF-8' }, 'en'],
    [{ BATON_LANG: 'en', LC_ALL: 'zh_CN.UTF-8' }, 'en'],
    [{ BATON_LANG: 'zh-CN', LC_ALL: 'C' }, 'zh-CN'],
    [{ BATON_LANG: '', LANG: 'zh_CN.UTF-8' }, 'zh-CN'],
  ])('%j gives %s', (env, language) => {
    expect(chooseLanguage(env)).toEqual({ ok: true, language });
  });

  it('refuses any other BATON_LANG, naming the language the locale variables give', () => {
    expect(chooseLanguage({ BATON_LANG: 'fr' })).toEqual({ ok: false, value: 'fr', fallback: 'en' });
    expect(chooseLanguage({ BATON_LANG: 'zh_CN', LANG: 'zh_CN.UTF-8' })).toEqual({
      ok: false,
      value: 'zh_CN',
      fallback: 'zh-CN',
    });
    expect(chooseLanguage({ BATON_LANG: 'EN' })).toMatchObject({ ok: false, value: 'EN' });
  });
});

describe('the language of help texts', () => {
  it('gives the Chinese top-level help under LANG=zh_CN.UTF-8', async () => {
    const result = await run(['--help'], zh);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^用法：baton <命令> \[选项\]\n\n命令：\n/);
    expect(result.stderr).toMatch(/^ {2}validate +校验流程定义文件/m);
    expect(result.stderr).toMatch(/^ {2}tasks +列出你的待办/m);
    expect(result.stderr).toMatch(/^ {2}help +显示本帮助，或某个命令的帮助：baton help <命令>$/m);
    expect(result.stderr).toContain('语言：优先取 BATON_LANG（en 或 zh-CN）');
    expect(result.stderr).not.toContain('Usage');
    expect(result.stderr).not.toContain('Check process definition files');
  });

  it('gives a command\'s Chinese help for "baton help tasks" and "baton tasks --help"', async () => {
    const help = await run(['help', 'tasks'], zh);
    expect(help.code).toBe(2);
    expect(help.stderr).toBe(catalogues['zh-CN'].commands.tasks.usage);
    expect(help.stderr).toMatch(/^用法：baton tasks \[--json\]\n/);
    expect(help.stderr).toContain('\n  --json           改为以 JSON 输出任务\n');
    expect(help.stderr).toContain('退出码：0 已列出，1 被服务器拒绝或未登录，2 用法错误。');
    const flag = await run(['tasks', '--help'], zh);
    expect(flag).toMatchObject({ code: 2, stderr: help.stderr });
  });

  it('lets BATON_LANG=en override a Chinese LANG and LC_ALL', async () => {
    const result = await run(['help', 'tasks'], { BATON_LANG: 'en', LC_ALL: 'zh_CN.UTF-8', LANG: 'zh_CN.UTF-8' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Usage: baton tasks \[--json\]\n/);
    expect(result.stderr).not.toMatch(/[\u4e00-\u9fff]/);
    const top = await run([], { BATON_LANG: 'en', LANG: 'zh_CN.UTF-8' });
    expect(top.stderr).toMatch(/^Usage: baton <command> \[options\]/);
    expect(top.stderr).toContain('Language: BATON_LANG (en or zh-CN); else the first of LC_ALL, LC_MESSAGES and LANG');
  });

  it('lets BATON_LANG=zh-CN override an English locale', async () => {
    const result = await run(['help', 'validate'], { BATON_LANG: 'zh-CN', LC_ALL: 'en_US.UTF-8' });
    expect(result.stderr).toMatch(/^用法：baton validate \[--json\] FILE\|DIR\.\.\.\n/);
  });

  it('refuses an unsupported BATON_LANG as a usage error naming en and zh-CN, exit 2, without running the command', async () => {
    const result = await run(['validate', example], { BATON_LANG: 'fr' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'baton: BATON_LANG "fr" is not a language of baton; set it to en or zh-CN, or unset it to follow LC_ALL, LC_MESSAGES and LANG.\n',
    );
    const underChinese = await run(['--help'], { BATON_LANG: 'zh_CN', ...zh });
    expect(underChinese.code).toBe(2);
    expect(underChinese.stderr).toBe(
      'baton: BATON_LANG "zh_CN" 不是 baton 支持的语言；请设为 en 或 zh-CN，或取消设置以跟随 LC_ALL、LC_MESSAGES 和 LANG。\n',
    );
  });

  it('says "unknown command" and the usage errors of a command in Chinese', async () => {
    const unknown = await run(['valdate'], zh);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^baton: 未知命令 "valdate"。是要运行 "validate" 吗？\n\n用法：baton <命令>/);
    const count = await run(['versions'], zh);
    expect(count.code).toBe(2);
    expect(count.stderr).toMatch(
      /^baton versions: 需要 1 个参数，实际为 0 个。\n\n用法：baton versions KEY \[--json\]\n/,
    );
    const cohort = await run(['deploy', example, '--cohort', 'everyone'], zh);
    expect(cohort.code).toBe(2);
    expect(cohort.stderr).toMatch(
      /^baton deploy: --cohort "everyone" 不是有效的部署范围；请使用 all、team:NAME\[,team:NAME\] 或 share:N%（N 为 1 到 100）。\n\n用法：baton deploy FILE/,
    );
  });
});

describe('runtime messages under zh-CN', () => {
  it("prints the validate summary in Chinese and keeps the validator's English messages and codes", async () => {
    const result = await run(['validate', broken], zh);
    expect(result.code).toBe(1);
    expect(result.lines).toHaveLength(4);
    expect(result.lines[3]).toBe('已检查 1 个文件：0 个有效，1 个无效；3 个错误，0 个警告。');
    for (const line of result.lines.slice(0, 3))
      expect(line).toMatch(
        /^apps\/cli\/test\/fixtures\/lead-to-contract-broken\.json {2}\/\S+ {2}DEF_[A-Z_]+ {2}[\x20-\x7e]+$/,
      );
    const valid = await run(['validate', example], zh);
    expect(valid.lines).toEqual(['已检查 1 个文件：1 个有效，0 个无效；0 个错误，0 个警告。']);
  });

  it("words the CLI's own issues in Chinese in the text output, and in English in --json", async () => {
    const text = await run(['validate', 'nope.json', path.join(scratch, 'trailing-comma.json')], zh);
    expect(text.code).toBe(1);
    expect(text.lines[0]).toBe(
      'nope.json  (root)  CLI_READ_ERROR  无法读取 "nope.json"：文件或目录不存在（ENOENT）。请检查路径及其权限。',
    );
    expect(text.lines[1]).toMatch(
      / {2}\(root\) {2}CLI_JSON_SYNTAX {2}第 3 行第 1 列：文件不是有效的 JSON（.+）。请修正该处语法；/,
    );
    expect(text.lines[2]).toBe('已检查 2 个文件：0 个有效，2 个无效；2 个错误，0 个警告。');

    const json = await run(['validate', '--json', 'nope.json'], zh);
    const results = JSON.parse(json.stdout) as FileResult[];
    expect(results[0]!.issues).toEqual([
      {
        code: 'CLI_READ_ERROR',
        severity: 'error',
        path: '',
        message: 'Cannot read "nope.json": no such file or directory (ENOENT). Check the path and its permissions.',
      },
    ]);
  });

  it('says how to log in, in Chinese, when there is no session', async () => {
    const result = await run(['tasks'], zh);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'baton tasks: 尚未登录。请运行 "baton login --server URL --username NAME"，或设置 BATON_SERVER 和 BATON_TOKEN。\n',
    );
  });

  it("words the client's CLIENT_BAD_RESPONSE in the user's language, naming the request", async () => {
    // Something that is not Baton answers on the server's address (a proxy's HTML error page).
    const notBaton = (status: number, body: string) => async () => ({ status, text: async () => body });
    const env = { ...zh, BATON_SERVER: 'http://proxy.test', BATON_TOKEN: 't' };
    const html = captureIo(repoRoot, {
      env: { XDG_CONFIG_HOME: path.join(scratch, 'config'), ...env },
      fetch: notBaton(502, '<html>Bad gateway</html>'),
    });
    expect(await main(['instances', 'm'], html.io)).toBe(1);
    expect(html.stderr()).toBe(
      'CLIENT_BAD_RESPONSE: GET /api/instances?model=m：服务器返回了 502，但响应体不是 JSON。请确认 http://proxy.test 是 Baton 服务器。\n',
    );
    const empty = captureIo(repoRoot, {
      env: {
        XDG_CONFIG_HOME: path.join(scratch, 'config'),
        BATON_LANG: 'en',
        BATON_SERVER: 'http://proxy.test',
        BATON_TOKEN: 't',
      },
      fetch: notBaton(503, '{}'),
    });
    expect(await main(['tasks'], empty.io)).toBe(1);
    expect(empty.stderr()).toContain('CLIENT_BAD_RESPONSE: GET /api/');
    expect(empty.stderr()).toContain('the server answered 503 without a Baton error body.');
  });

  it('describes cohorts in either language', () => {
    const teams: Cohort = { type: 'teams', teams: ['sales-east', 'sales-west'] };
    expect(describeCohort(teams, messagesFor('en'))).toBe('teams sales-east, sales-west');
    expect(describeCohort(teams, messagesFor('zh-CN'))).toBe('团队 sales-east、sales-west');
    expect(describeCohort({ type: 'all' }, messagesFor('zh-CN'))).toBe('所有新实例');
  });
});

describe('the message catalogues', () => {
  /** Every leaf of a catalogue as `path: kind`, where kind is the type (and a tuple's length). */
  function shape(value: unknown, at = ''): string[] {
    if (Array.isArray(value)) return [`${at}: array of ${value.length}`];
    if (typeof value === 'object' && value !== null)
      return Object.entries(value).flatMap(([k, v]) => shape(v, `${at}.${k}`));
    return [`${at}: ${typeof value}`];
  }

  it('has a catalogue for every language BATON_LANG accepts', () => {
    expect(Object.keys(catalogues).sort()).toEqual([...languages].sort());
  });

  it('gives en and zh-CN exactly the same keys, each of the same kind', () => {
    const en = shape(catalogues.en);
    expect(en.length).toBeGreaterThan(50);
    expect(shape(catalogues['zh-CN'])).toEqual(en);
  });

  it.each(commands.map((c) => [c.name]))(
    'translates the help of "%s", keeping its synopsis and option names',
    (name) => {
      const command = commands.find((c) => c.name === name)!;
      const en = command.usage(catalogues.en);
      const zhUsage = command.usage(catalogues['zh-CN']);
      expect(zhUsage).not.toBe(en);
      expect(en.split('\n')[0]!.replace(/^Usage: /, '用法：')).toBe(zhUsage.split('\n')[0]);
      for (const option of new Set(en.match(/--[a-z]+/g))) expect(zhUsage, option).toContain(option);
      expect(zhUsage).toContain('退出码：');
      expect(zhUsage.endsWith('\n')).toBe(true);
      expect(command.summary(catalogues['zh-CN'])).toMatch(/[\u4e00-\u9fff]/);
      expect(command.summary(catalogues.en)).not.toMatch(/[\u4e00-\u9fff]/);
    },
  );
});
