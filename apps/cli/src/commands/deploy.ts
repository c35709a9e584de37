/**
 * `baton deploy FILE`: validates a definition locally, creates its model if missing, publishes
 * it (a no-op when identical content is already published) and deploys it to a cohort.
 *
 * @module
 */
import { BatonApiError, versionStates, type Cohort, type Deployment, type LocalizedText, type VersionState } from '@baton/client';
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';
import { formatIssueLine, formatSummary, validatePaths } from './validate.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const usage = `Usage: baton deploy FILE [--model KEY] [--state current|target] [--cohort COHORT]

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
`;

/** The `deploy` command. */
export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Validate, publish and deploy a process definition to a cohort',
  usage,
  run: runDeploy,
};

/**
 * Parses the `--cohort` option: `all`, `team:NAME[,team:NAME]` (the `team:` prefix may be given
 * once for all names) or `share:N%`. Returns a message saying what is accepted when it is none
 * of these.
 *
 * @example
 * parseCohort('team:sales-east,team:sales-west'); // { ok: true, cohort: { type: 'teams', teams: ['sales-east', 'sales-west'] } }
 */
export function parseCohort(text: string): { ok: true; cohort: Cohort } | { ok: false; message: string } {
  const value = text.trim();
  if (value === 'all') return { ok: true, cohort: { type: 'all' } };
  if (value.startsWith('team:')) {
    const teams = value
      .split(',')
      .map((part) => part.trim().replace(/^team:/, '').trim())
      .filter((t) => t !== '');
    if (teams.length > 0 && new Set(teams).size === teams.length) return { ok: true, cohort: { type: 'teams', teams } };
  }
  const share = /^share:(\d{1,3})%?$/.exec(value);
  if (share) {
    const percent = Number(share[1]);
    if (percent >= 1 && percent <= 100) return { ok: true, cohort: { type: 'share', percent } };
  }
  return { ok: false, message: `--cohort "${text}" is not a cohort; use all, team:NAME[,team:NAME], or share:N% with N from 1 to 100.` };
}

/** Describes a cohort for people, e.g. `teams sales-east, sales-west`. */
export function describeCohort(cohort: Cohort): string {
  if (cohort.type === 'all') return 'all new instances';
  if (cohort.type === 'teams') return `team${cohort.teams.length === 1 ? '' : 's'} ${cohort.teams.join(', ')}`;
  return `${cohort.percent}% of business keys`;
}

function sameCohort(a: Cohort, b: Cohort): boolean {
  if (a.type === 'teams' && b.type === 'teams') return [...a.teams].sort().join('\n') === [...b.teams].sort().join('\n');
  if (a.type === 'share' && b.type === 'share') return a.percent === b.percent;
  return a.type === b.type;
}

async function runDeploy(args: string[], { io }: CommandContext): Promise<number> {
  const parsed = parseCommandArgs(io, deployCommand, args, { model: { type: 'string' }, state: { type: 'string' }, cohort: { type: 'string' } }, { min: 1, max: 1 });
  if (!parsed.ok) return parsed.exitCode;
  const file = parsed.positionals[0]!;
  const cohortResult = parseCohort(parsed.values.cohort ?? 'all');
  if (!cohortResult.ok) return usageError(io, deployCommand, cohortResult.message);
  const stateOption = parsed.values.state;
  if (stateOption !== undefined && !(versionStates as readonly string[]).includes(stateOption)) {
    return usageError(io, deployCommand, `--state "${stateOption}" is not a state; use current or target.`);
  }

  // Validate locally first: the same checks as `baton validate`, before anything is sent.
  const results = await validatePaths([file], io.cwd);
  const result = results[0];
  if (results.length > 1) return usageError(io, deployCommand, `"${file}" is a directory; name one definition file.`);
  if (!result || !result.ok) {
    for (const issue of result?.issues ?? []) io.stdout(`${formatIssueLine(file, issue)}\n`);
    if (result) io.stdout(`${formatSummary([result])}\n`);
    io.stderr(`baton deploy: ${file} is not a valid definition; nothing was sent to the server.\n`);
    return exitCodes.failed;
  }
  for (const issue of result.issues) io.stdout(`${formatIssueLine(file, issue)}\n`);
  const definition = JSON.parse(stripBom(await readFile(path.resolve(io.cwd, file), 'utf8'))) as {
    key: string;
    name: LocalizedText;
    state?: string;
  };
  const key = parsed.values.model ?? definition.key;
  const state = (stateOption ?? (definition.state === 'current' ? 'current' : 'target')) as VersionState;

  const api = await connectOrReport(io, 'deploy');
  if (typeof api === 'number') return api;
  const { client } = api;
  try {
    try {
      await client.getModel(key);
    } catch (error) {
      if (!(error instanceof BatonApiError && error.code === 'API_MODEL_NOT_FOUND')) throw error;
      if (key !== definition.key) {
        // The server refuses a definition whose key differs from its model's; say so before creating a model for nothing.
        io.stderr(`baton deploy: model "${key}" does not exist, and the definition's key is "${definition.key}". Drop --model, or set "key" in ${file} to "${key}".\n`);
        return exitCodes.failed;
      }
      await client.createModel({ key, name: definition.name });
      io.stdout(`Created model ${key}.\n`);
    }
    const published = await client.publish(key, { definition, state });
    const version = published.version;
    const hash = version.contentHash?.slice(0, 12) ?? '-';
    io.stdout(
      published.created
        ? `Published ${key} version ${version.number} (${version.state}, sha256 ${hash}).\n`
        : `${key}: unchanged, version ${version.number} (sha256 ${hash}).\n`,
    );

    const cohort = cohortResult.cohort;
    const existing = (await client.listDeployments(key)).find(
      (d: Deployment) => d.active && d.version === version.number && sameCohort(d.cohort, cohort),
    );
    if (existing) {
      io.stdout(`Version ${version.number} is already deployed to ${describeCohort(cohort)}: deployment ${existing.id}.\n`);
      return exitCodes.ok;
    }
    const deployment = await client.deploy(key, { version: version.number, cohort });
    io.stdout(`Deployed ${key} version ${deployment.version} to ${describeCohort(deployment.cohort)}: deployment ${deployment.id}.\n`);
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(io, 'deploy', error);
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
