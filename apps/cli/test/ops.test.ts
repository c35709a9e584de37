import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type BatonClient } from '@baton/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests only: the CLI package never imports server code; here a real server runs in-process.
import { buildApp } from '../../server/src/app.ts';
import { createDatabase, type BatonDatabase } from '../../server/src/db/database.ts';
import { migrateToLatest } from '../../server/src/db/migrate.ts';
import { seedDemoDataIfEmpty } from '../../server/src/seed/demo-data.ts';
import type { CliIo } from '../src/cli-io.ts';
import { displayWidth } from '../src/format-table.ts';
import { main } from '../src/main.ts';
import { captureIo, repoRoot } from './capture-io.ts';

const password = 'cli-test-password-1';
const example = 'examples/lead-to-contract/definition.json';

let database: BatonDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let server: string;
let scratch: string;

beforeAll(async () => {
  database = await createDatabase({ pgliteDir: null });
  await migrateToLatest(database.db);
  await seedDemoDataIfEmpty(database.db, password);
  app = await buildApp({ database, config: { sessionSecret: randomBytes(32).toString('hex'), logLevel: 'silent' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  scratch = await mkdtemp(path.join(tmpdir(), 'baton-cli-ops-'));
}, 120_000); // PGlite's WASM start and the migrations take several seconds on a small machine.

afterAll(async () => {
  await app?.close();
  await database?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 60_000);

/** Runs `baton` with a config home of its own (`profile`) and the given extra environment. */
async function run(
  argv: string[],
  options: { profile?: string; env?: Record<string, string>; prompt?: CliIo['prompt']; cwd?: string } = {},
) {
  const env = { XDG_CONFIG_HOME: path.join(scratch, options.profile ?? 'admin'), ...options.env };
  const c = captureIo(options.cwd ?? repoRoot, {
    env,
    fetch: (url, init) => globalThis.fetch(url, init),
    ...(options.prompt ? { prompt: options.prompt } : {}),
  });
  const code = await main(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr(), lines: c.lines() };
}

async function login(profile: string, username: string): Promise<void> {
  const result = await run(['login', '--server', server, '--username', username], {
    profile,
    env: { BATON_PASSWORD: password },
  });
  expect(result.code, result.stderr).toBe(0);
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('baton login / logout', () => {
  it('logs in with BATON_PASSWORD and stores { server, token, username } with mode 0600', async () => {
    const result = await run(['login', '--server', `${server}/`, '--username', 'owner'], {
      profile: 'owner',
      env: { BATON_PASSWORD: password },
    });
    expect(result.code, result.stderr).toBe(0);
    const file = path.join(scratch, 'owner', 'baton', 'session.json');
    expect(result.stdout).toBe(`Logged in to ${server} as owner (owner). Session saved to ${file}.\n`);
    const session = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(Object.keys(session).sort()).toEqual(['server', 'token', 'username']);
    expect(session).toMatchObject({ server, username: 'owner' });
    expect(session.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('asks for the password on a terminal without echo, and takes --password', async () => {
    const asked: { question: string; secret: boolean | undefined }[] = [];
    const prompt: CliIo['prompt'] = async (question, options) => {
      asked.push({ question, secret: options?.secret });
      return password;
    };
    const result = await run(['login', '--server', server, '--username', 'rep1'], { profile: 'prompted', prompt });
    expect(result.code, result.stderr).toBe(0);
    expect(asked).toEqual([{ question: `Password for rep1@${server}: `, secret: true }]);
    expect(
      (await run(['login', '--server', server, '--username', 'rep1', '--password', password], { profile: 'prompted' }))
        .code,
    ).toBe(0);
  });

  it('refuses a wrong password with the API code and message, exit 1, and stores nothing', async () => {
    const result = await run(['login', '--server', server, '--username', 'owner'], {
      profile: 'wrong',
      env: { BATON_PASSWORD: 'nope-nope-nope' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'API_INVALID_CREDENTIALS: Unknown username or wrong password. Check both and try again.\n',
    );
    await expect(stat(path.join(scratch, 'wrong', 'baton', 'session.json'))).rejects.toThrow();
  });

  it('says how to give a password when there is none and no terminal, exit 2', async () => {
    const result = await run(['login', '--server', server, '--username', 'owner'], { profile: 'none' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^baton login: no password: set BATON_PASSWORD/);
  });

  it('names the server URL when the connection is refused, exit 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await run(['login', '--server', url, '--username', 'owner'], {
      profile: 'refused',
      env: { BATON_PASSWORD: password },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `baton login: Cannot reach the Baton server at ${url} (connection refused, ECONNREFUSED). Check that it is running and the URL is right (--server, BATON_SERVER).\n`,
    );
    const versions = await run(['versions', 'lead-to-contract'], {
      profile: 'refused',
      env: { BATON_SERVER: url, BATON_TOKEN: 'x.y.z' },
    });
    expect(versions.code).toBe(1);
    expect(versions.stderr).toContain(`Cannot reach the Baton server at ${url} (connection refused`);
  });

  it('logs out by deleting the session file; commands then say how to log in', async () => {
    await login('leaving', 'rep2');
    const out = await run(['logout'], { profile: 'leaving' });
    expect(out).toMatchObject({
      code: 0,
      stdout: `Logged out; removed ${path.join(scratch, 'leaving', 'baton', 'session.json')}.\n`,
    });
    expect((await run(['logout'], { profile: 'leaving' })).stdout).toBe('Not logged in; nothing to remove.\n');
    const tasks = await run(['tasks'], { profile: 'leaving' });
    expect(tasks.code).toBe(1);
    expect(tasks.stderr).toMatch(
      /^baton tasks: Not logged in\. Run "baton login --server URL --username NAME", or set BATON_SERVER and BATON_TOKEN\.\n$/,
    );
  });
});

describe('baton deploy and versions', () => {
  beforeAll(async () => {
    // Creating models and publishing need owner or admin; deploying needs operator or admin.
    await login('admin', 'admin');
  });

  it('validates, creates the model, publishes version 1 and deploys it to two teams', async () => {
    const result = await run(['deploy', example, '--cohort', 'team:sales-east,team:sales-west']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.lines[0]).toBe('Created model lead-to-contract.');
    expect(result.lines[1]).toMatch(/^Published lead-to-contract version 1 \(target, sha256 [0-9a-f]{12}\)\.$/);
    expect(result.lines[2]).toMatch(
      /^Deployed lead-to-contract version 1 to teams sales-east, sales-west: deployment \d+\.$/,
    );
    expect(result.lines).toHaveLength(3);
  });

  it('says "unchanged, version 1" when deployed again, and creates no second deployment', async () => {
    const first = await run(['deploy', example, '--cohort', 'team:sales-west,team:sales-east']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.lines[0]).toMatch(/^lead-to-contract: unchanged, version 1 \(sha256 [0-9a-f]{12}\)\.$/);
    expect(first.lines[1]).toMatch(/^Version 1 is already deployed to teams sales-west, sales-east: deployment \d+\.$/);
    const widened = await run(['deploy', example, '--cohort', 'all']);
    expect(widened.lines[1]).toMatch(/^Deployed lead-to-contract version 1 to all new instances: deployment \d+\.$/);
    const deployments = await (await clientAs('admin')).listDeployments('lead-to-contract');
    expect(deployments).toHaveLength(2);
  });

  it('prints local issues like validate and sends nothing when the definition is invalid, exit 1', async () => {
    const before = await versionCount();
    const result = await run(['deploy', 'apps/cli/test/fixtures/lead-to-contract-broken.json']);
    expect(result.code).toBe(1);
    expect(
      result.lines
        .slice(0, 3)
        .every((l) =>
          /^apps\/cli\/test\/fixtures\/lead-to-contract-broken\.json {2}\/\S+ {2}DEF_[A-Z_]+ {2}\S/.test(l),
        ),
    ).toBe(true);
    expect(result.lines[3]).toBe('Checked 1 file: 0 valid, 1 invalid; 3 errors, 0 warnings.');
    expect(result.stderr).toContain('nothing was sent to the server');
    expect(await versionCount()).toBe(before);
  });

  it('prints the API error code, message and each issue "path  code  message", exit 1', async () => {
    const created = await (await clientAs('admin')).createModel({ key: 'other-key', name: { en: 'Other' } });
    expect(created.key).toBe('other-key');
    const result = await run(['deploy', example, '--model', 'other-key']);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^API_INVALID_DEFINITION: The process definition has 1 error\(s\); nothing was saved\./);
    expect(lines[1]).toBe(
      '/key  API_DEFINITION_KEY_MISMATCH  At /key: the definition\'s key "lead-to-contract" differs from the model key "other-key". Set "key" to "other-key" or save it under model "lead-to-contract".',
    );
  });

  it('refuses --model for a missing model whose key differs from the definition, creating nothing', async () => {
    const result = await run(['deploy', example, '--model', 'no-such-model']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'model "no-such-model" does not exist, and the definition\'s key is "lead-to-contract"',
    );
    await expect((await clientAs('admin')).getModel('no-such-model')).rejects.toMatchObject({
      status: 404,
      code: 'API_MODEL_NOT_FOUND',
    });
  });

  it('refuses a bad cohort or state as usage errors, exit 2', async () => {
    for (const args of [
      ['--cohort', 'team:'],
      ['--cohort', 'share:0%'],
      ['--cohort', 'everyone'],
      ['--state', 'future'],
    ]) {
      const result = await run(['deploy', example, ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^baton deploy: --(cohort|state) /);
    }
  });

  it('deploys a share cohort of the current-state definition as its own state', async () => {
    const created = await (
      await clientAs('admin')
    ).createModel({ key: 'lead-to-contract-current', name: { en: 'Current' } });
    expect(created.key).toBe('lead-to-contract-current');
    // The current-state file has its own key; --model only renames when the keys agree.
    const file = path.join(scratch, 'current.json');
    const current = JSON.parse(
      await readFile(path.join(repoRoot, 'examples/lead-to-contract/current-state.json'), 'utf8'),
    ) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...current, key: 'lead-to-contract-current' }));
    const result = await run(['deploy', file, '--cohort', 'share:10%']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.lines[0]).toMatch(/^Published lead-to-contract-current version 1 \(current, /);
    expect(result.lines[1]).toMatch(/to 10% of business keys: deployment \d+\.$/);
  });

  it('lists versions as a table: number, state, status, hash prefix, published at', async () => {
    const result = await run(['versions', 'lead-to-contract']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.lines[0]).toBe('NUMBER  STATE   STATUS     HASH          PUBLISHED');
    expect(result.lines[1]).toMatch(/^1 {7}target {2}published {2}[0-9a-f]{12} {2}\d{4}-\d\d-\d\d \d\d:\d\dZ$/);
    expect(result.lines).toHaveLength(2);
    const json = await run(['versions', 'lead-to-contract', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject([{ number: 1, status: 'published', modelKey: 'lead-to-contract' }]);
  });

  it('reports an unknown model as "API_MODEL_NOT_FOUND: message", exit 1', async () => {
    const result = await run(['versions', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'API_MODEL_NOT_FOUND: Process model "nope" does not exist. List models with GET /api/models or create it with POST /api/models.\n',
    );
  });

  it('uses BATON_SERVER and BATON_TOKEN without a session file', async () => {
    const token = (
      JSON.parse(await readFile(path.join(scratch, 'admin', 'baton', 'session.json'), 'utf8')) as { token: string }
    ).token;
    const result = await run(['versions', 'lead-to-contract'], {
      profile: 'env-only',
      env: { BATON_SERVER: server, BATON_TOKEN: token },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.lines).toHaveLength(2);
    const bad = await run(['versions', 'lead-to-contract'], {
      profile: 'env-only',
      env: { BATON_SERVER: server, BATON_TOKEN: 'bad.token.value' },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^API_UNAUTHENTICATED: The token is invalid\..*\nYour session may have expired: run "baton login"\.\n$/,
    );
  });
});

describe('baton instances and tasks', () => {
  const inboxDefinition = inboxDefinitionFor('cli-inbox');
  let instanceId = '';

  beforeAll(async () => {
    await login('admin', 'admin');
    await login('rep1', 'rep1');
    const file = path.join(scratch, 'cli-inbox.json');
    await writeFile(file, JSON.stringify(inboxDefinition));
    const deployed = await run(['deploy', file]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const started = await (await clientAs('admin')).startInstance('cli-inbox', { data: {} });
    instanceId = started.instance.id;
  }, 60_000);

  it('lists the instances of a model', async () => {
    const result = await run(['instances', 'cli-inbox']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.lines[0]).toMatch(/^ID +STATUS +VERSION +BUSINESS KEY +INITIATOR +STARTED +UPDATED$/);
    expect(result.lines[1]).toMatch(new RegExp(`^${instanceId} +running +1 +- +admin +`));
    const completed = await run(['instances', 'cli-inbox', '--status', 'completed']);
    expect(completed.stdout).toBe('No instances of cli-inbox with status completed.\n');
  });

  it('refuses an unknown --status, exit 2', async () => {
    const result = await run(['instances', 'cli-inbox', '--status', 'lost']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^baton instances: --status "lost" is not an instance status; use one of running, completed, terminated\./,
    );
  });

  it("lists the caller's inbox with the task name in the caller's language", async () => {
    const result = await run(['tasks'], { profile: 'rep1' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.lines[0]).toMatch(/^ID +TASK +PROCESS +INSTANCE +DUE +ASSIGNEE$/);
    // rep1's locale is zh-CN.
    expect(result.lines[1]).toMatch(new RegExp(`^\\d+ +审核线索 +cli-inbox +${instanceId} +- +rep1$`));
    const admin = await run(['tasks']);
    expect(admin.stdout).toBe('No open tasks for admin.\n');
  });
});

describe("under zh-CN (LANG=zh_CN.UTF-8): the CLI's own texts are Chinese, the server's stay as sent", () => {
  const zh = { LANG: 'zh_CN.UTF-8' };
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('asks for the password and reports the login and the logout in Chinese', async () => {
    const asked: { question: string; secret: boolean | undefined }[] = [];
    const prompt: CliIo['prompt'] = async (question, options) => {
      asked.push({ question, secret: options?.secret });
      return options?.secret ? password : 'rep2';
    };
    const result = await run(['login', '--server', server], { profile: 'zh-login', env: zh, prompt });
    expect(result.code, result.stderr).toBe(0);
    expect(asked).toEqual([
      { question: '用户名：', secret: undefined },
      { question: `rep2@${server} 的密码：`, secret: true },
    ]);
    const file = path.join(scratch, 'zh-login', 'baton', 'session.json');
    expect(result.stdout).toBe(`已以 rep2（participant）身份登录 ${server}。会话已保存到 ${file}。\n`);
    expect((await run(['logout'], { profile: 'zh-login', env: zh })).stdout).toBe(`已退出登录；已删除 ${file}。\n`);
  });

  it('prints the inbox with Chinese headers, aligned by display width; English under BATON_LANG=en', async () => {
    await login('rep1', 'rep1');
    const result = await run(['tasks'], { profile: 'rep1', env: zh });
    expect(result.code, result.stderr).toBe(0);
    const [header, row] = result.lines as [string, string];
    expect(header).toMatch(/^ID +任务 +流程 +实例 +到期 +处理人$/);
    expect(row).toMatch(/^\d+ +审核线索 +cli-inbox +[0-9a-f-]{36} +- +rep1$/);
    for (const [title, cell] of [
      ['流程', 'cli-inbox'],
      ['处理人', 'rep1'],
    ] as const) {
      expect(displayWidth(header.slice(0, header.indexOf(title))), title).toBe(
        displayWidth(row.slice(0, row.lastIndexOf(cell))),
      );
    }
    const english = await run(['tasks'], { profile: 'rep1', env: { ...zh, BATON_LANG: 'en' } });
    expect(english.lines[0]).toMatch(/^ID +TASK +PROCESS +INSTANCE +DUE +ASSIGNEE$/);
    // The task name follows the user's locale on the server (rep1: zh-CN), not the CLI's language.
    expect(english.lines[1]).toMatch(/^\d+ +审核线索 +/);
    expect((await run(['tasks'], { profile: 'admin', env: zh })).stdout).toBe('admin 没有待办任务。\n');
  });

  it("prints the server's English error as sent, then the CLI's hint in Chinese", async () => {
    const result = await run(['versions', 'lead-to-contract'], {
      profile: 'zh-env',
      env: { ...zh, BATON_SERVER: server, BATON_TOKEN: 'bad.token.value' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^API_UNAUTHENTICATED: The token is invalid\..*\n会话可能已过期：请运行 "baton login"。\n$/,
    );
  });

  it('says in Chinese which server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await run(['versions', 'lead-to-contract'], {
      profile: 'zh-env',
      env: { ...zh, BATON_SERVER: url, BATON_TOKEN: 'x.y.z' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `baton versions: 无法连接位于 ${url} 的 Baton 服务器（连接被拒绝，ECONNREFUSED）。请确认服务器正在运行且地址正确（--server、BATON_SERVER）。\n`,
    );
  });

  it('reports creating the model, the publish and the deployment in Chinese', async () => {
    await login('admin', 'admin');
    const file = path.join(scratch, 'cli-zh.json');
    await writeFile(file, JSON.stringify({ ...inboxDefinitionFor('cli-zh') }));
    const result = await run(['deploy', file, '--cohort', 'share:10%'], { env: zh });
    expect(result.code, result.stderr).toBe(0);
    expect(result.lines[0]).toBe('已创建流程模型 cli-zh。');
    expect(result.lines[1]).toMatch(/^已发布 cli-zh 版本 1（target，sha256 [0-9a-f]{12}）。$/);
    expect(result.lines[2]).toMatch(
      new RegExp(`^${escape('已部署 cli-zh 版本 1（范围：10% 的业务键）：部署 ')}\\d+。$`),
    );
    expect(result.lines).toHaveLength(3);
  });
});

/** A one-task definition (rep1 reviews) under model key `key`. */
describe('issue 9: the four lists, task actions, instance comments and delegations from the command line', () => {
  let instanceId = '';
  let taskId = 0;

  beforeAll(async () => {
    await login('admin', 'admin');
    await login('rep1', 'rep1');
    const file = path.join(scratch, 'cli-approve.json');
    await writeFile(file, JSON.stringify(inboxDefinitionFor('cli-approve')));
    expect((await run(['deploy', file])).code).toBe(0);
    const started = await (await clientAs('admin')).startInstance('cli-approve', { data: {} });
    instanceId = started.instance.id;
    taskId = (await (await clientAs('rep1')).listTodo({ process: 'cli-approve' })).items[0]!.id;
  }, 60_000);

  it('lists to do, approves with a comment, then lists it as done; empty lists say so', async () => {
    const todo = await run(['tasks', '--list', 'todo', '--process', 'cli-approve'], {
      profile: 'rep1',
      env: { BATON_LANG: 'en' },
    });
    expect(todo.code, todo.stderr).toBe(0);
    expect(todo.lines[0]).toMatch(/^ID +TASK +PROCESS +INSTANCE +DUE +ASSIGNEE$/);
    expect(todo.lines[1]).toMatch(new RegExp(`^${taskId} +审核线索 +cli-approve +${instanceId} +- +rep1$`));
    const approved = await run(['task', 'approve', String(taskId), '--comment', '同意'], {
      profile: 'rep1',
      env: { BATON_LANG: 'en' },
    });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toBe(`Task ${taskId}: approve done; it is now completed.\n`);
    const done = await run(['tasks', '--list', 'done', '--json'], { profile: 'rep1' });
    expect((JSON.parse(done.stdout) as { items: Array<{ id: number }> }).items.map((t) => t.id)).toContain(taskId);
    const cc = await run(['tasks', '--list', 'cc'], { profile: 'rep1', env: { BATON_LANG: 'en' } });
    expect(cc.stdout).toBe('The cc list is empty.\n');
    const started = await run(['tasks', '--list', 'started', '--process', 'cli-approve'], {
      env: { BATON_LANG: 'en' },
    });
    expect(started.lines[1]).toMatch(new RegExp(`^${instanceId} +completed +`));
  });

  it('refuses bad usage with exit 2 before asking the server', async () => {
    for (const argv of [
      ['tasks', '--list', 'mine'],
      ['tasks', '--list', 'todo', '--limit', '0'],
      ['task', 'approve'],
      ['task', 'sign', '1'],
      ['task', 'approve', 'x'],
      ['task', 'add-signers', '1', '--users', 'legal'],
      ['task', 'return', '1'],
      ['instance', 'comment', instanceId],
      ['delegate', '--to', 'rep2'],
    ]) {
      const result = await run(argv, { profile: 'rep1' });
      expect(result.code, argv.join(' ')).toBe(2);
    }
  });

  it('reports each refused task of a batch approval and exits 1', async () => {
    const result = await run(['task', 'batch-approve', String(taskId), '999999'], {
      profile: 'rep1',
      env: { BATON_LANG: 'en' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Batch approval: 0 done, 2 refused.\n');
    expect(result.stderr).toMatch(new RegExp(`^Task ${taskId}: API_TASK_NOT_OPEN: `, 'm'));
    expect(result.stderr).toMatch(/^Task 999999: API_TASK_NOT_FOUND: /m);
  });

  it('sets, lists and ends a delegation', async () => {
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const set = await run(['delegate', '--to', 'rep2', '--until', until, '--note', '休假'], {
      profile: 'rep1',
      env: { BATON_LANG: 'en' },
    });
    expect(set.code, set.stderr).toBe(0);
    const id = Number(/^Delegation (\d+):/.exec(set.stdout)?.[1]);
    expect(set.stdout).toMatch(/your new tasks reach rep2 from /);
    const list = await run(['delegate', '--list'], { profile: 'rep1', env: { BATON_LANG: 'en' } });
    expect(list.lines[0]).toMatch(/^ID +USER +AGENT +FROM +UNTIL +STATE$/);
    expect(list.lines[1]).toMatch(new RegExp(`^${id} +rep1 +rep2 +.* active$`));
    const again = await run(['delegate', '--to', 'manager', '--until', until], { profile: 'rep1' });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^API_DELEGATION_CONFLICT: /);
    const ended = await run(['delegate', '--end', String(id)], { profile: 'rep1', env: { BATON_LANG: 'en' } });
    expect(ended.stdout).toBe(`Delegation ${id} ended.\n`);
  });
});

describe('baton migrate', () => {
  const ids: string[] = [];

  beforeAll(async () => {
    await login('admin', 'admin');
    const file = path.join(scratch, 'cli-migrate.json');
    const v1 = inboxDefinitionFor('cli-migrate');
    await writeFile(file, JSON.stringify(v1));
    expect((await run(['deploy', file])).code).toBe(0);
    const admin = await clientAs('admin');
    for (const key of ['M-1', 'M-2'])
      ids.push((await admin.startInstance('cli-migrate', { businessKey: key })).instance.id);
    // v2 renames the step: "review" becomes "check".
    const v2 = JSON.parse(JSON.stringify(v1).replaceAll('"review"', '"check"')) as typeof v1;
    await admin.publish('cli-migrate', { definition: v2, state: 'target' });
  }, 60_000);

  it('dry-runs: prints the mapping and the instances that cannot move with the reason, exit 1, nothing moved', async () => {
    const result = await run(['migrate', 'cli-migrate', '--from', '1', '--to', '2', '--dry-run']);
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(/^SOURCE NODE\s+TARGET NODE\s+INSTANCES$/);
    expect(result.stdout).toContain('(choose with --map)');
    expect(result.stdout).toContain('2 instance(s) chosen: 0 can move, 2 cannot.');
    expect(result.stdout).toContain('ENG_MIGRATION_UNMAPPED');
    expect((await (await clientAs('admin')).getInstance(ids[0]!)).instance.version).toBe(1);
  });

  it('migrates with --map, follows the progress, and leaves the instances on the new version', async () => {
    const result = await run(['migrate', 'cli-migrate', '--from', '1', '--to', '2', '--map', 'review=check']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Migration \d+ finished: 2 moved, 0 could not move/);
    const admin = await clientAs('admin');
    for (const id of ids) {
      const detail = await admin.getInstance(id);
      expect(detail.instance.version).toBe(2);
      expect(detail.activeNodes).toEqual(['check']);
    }
  });

  it('refuses a bad --map or version as usage errors, exit 2', async () => {
    expect((await run(['migrate', 'cli-migrate', '--from', '1', '--to', '2', '--map', 'review'])).code).toBe(2);
    expect((await run(['migrate', 'cli-migrate', '--from', 'one', '--to', '2'])).code).toBe(2);
  });
});

function inboxDefinitionFor(key: string) {
  return {
    schemaVersion: 1,
    key,
    name: { en: 'CLI inbox', 'zh-CN': 'CLI 收件箱' },
    nodes: [
      { id: 'start', type: 'start', layout: { x: 0, y: 0 } },
      {
        id: 'review',
        type: 'userTask',
        name: { en: 'Review the lead', 'zh-CN': '审核线索' },
        owner: { type: 'user', user: 'rep1' },
        layout: { x: 200, y: 0 },
      },
      { id: 'end', type: 'end', layout: { x: 400, y: 0 } },
    ],
    edges: [
      { id: 'e1', from: 'start', to: 'review' },
      { id: 'e2', from: 'review', to: 'end' },
    ],
  };
}

/** A client with the token `baton login` stored for the profile `username`. */
async function clientAs(username: string): Promise<BatonClient> {
  const token = (
    JSON.parse(await readFile(path.join(scratch, username, 'baton', 'session.json'), 'utf8')) as { token: string }
  ).token;
  return createClient({ baseUrl: server, fetch: (url, init) => globalThis.fetch(url, init), token });
}

async function versionCount(): Promise<number> {
  return (await (await clientAs('admin')).listVersions('lead-to-contract')).length;
}
