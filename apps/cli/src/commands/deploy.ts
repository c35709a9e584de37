/**
 * `baton deploy FILE`: validates a definition locally, creates its model if missing, publishes
 * it (a no-op when identical content is already published) and deploys it to a cohort.
 *
 * @module
 */
import {
  BatonApiError,
  versionStates,
  type Cohort,
  type Deployment,
  type LocalizedText,
  type VersionState,
} from '@baton/client';
import type { Messages } from '../i18n.ts';
import { connectOrReport, reportFailure } from '../server-api.ts';
import { exitCodes, type Command, type CommandContext } from './command.ts';
import { parseCommandArgs, usageError } from './parse-command-args.ts';
import { formatIssueLine, formatSummary, validatePaths } from './validate.ts';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The `deploy` command. */
export const deployCommand: Command = {
  name: 'deploy',
  summary: (m) => m.commands.deploy.summary,
  usage: (m) => m.commands.deploy.usage,
  run: runDeploy,
};

/**
 * Parses the `--cohort` option: `all`, `team:NAME[,team:NAME]` (the `team:` prefix may be given
 * once for all names) or `share:N%`. Returns `{ ok: false }` when it is none of these (the
 * caller says what is accepted: `deploy.badCohort` in the catalogue).
 *
 * @example
 * parseCohort('team:sales-east,team:sales-west'); // { ok: true, cohort: { type: 'teams', teams: ['sales-east', 'sales-west'] } }
 */
export function parseCohort(text: string): { ok: true; cohort: Cohort } | { ok: false } {
  const value = text.trim();
  if (value === 'all') return { ok: true, cohort: { type: 'all' } };
  if (value.startsWith('team:')) {
    const teams = value
      .split(',')
      .map((part) =>
        part
          .trim()
          .replace(/^team:/, '')
          .trim(),
      )
      .filter((t) => t !== '');
    if (teams.length > 0 && new Set(teams).size === teams.length) return { ok: true, cohort: { type: 'teams', teams } };
  }
  const share = /^share:(\d{1,3})%?$/.exec(value);
  if (share) {
    const percent = Number(share[1]);
    if (percent >= 1 && percent <= 100) return { ok: true, cohort: { type: 'share', percent } };
  }
  return { ok: false };
}

/** Describes a cohort for people in the language of `messages`, e.g. `teams sales-east, sales-west`. */
export function describeCohort(cohort: Cohort, messages: Messages): string {
  return messages.deploy.cohort(cohort);
}

function sameCohort(a: Cohort, b: Cohort): boolean {
  if (a.type === 'teams' && b.type === 'teams')
    return [...a.teams].sort().join('\n') === [...b.teams].sort().join('\n');
  if (a.type === 'share' && b.type === 'share') return a.percent === b.percent;
  return a.type === b.type;
}

async function runDeploy(args: string[], context: CommandContext): Promise<number> {
  const { io, messages } = context;
  const m = messages.deploy;
  const parsed = parseCommandArgs(
    context,
    deployCommand,
    args,
    { model: { type: 'string' }, state: { type: 'string' }, cohort: { type: 'string' } },
    { min: 1, max: 1 },
  );
  if (!parsed.ok) return parsed.exitCode;
  const file = parsed.positionals[0]!;
  const cohortText = parsed.values.cohort ?? 'all';
  const cohortResult = parseCohort(cohortText);
  if (!cohortResult.ok) return usageError(context, deployCommand, m.badCohort(cohortText));
  const stateOption = parsed.values.state;
  if (stateOption !== undefined && !(versionStates as readonly string[]).includes(stateOption)) {
    return usageError(context, deployCommand, m.badState(stateOption));
  }

  // Validate locally first: the same checks as `baton validate`, before anything is sent.
  const results = await validatePaths([file], io.cwd);
  const result = results[0];
  if (results.length > 1) return usageError(context, deployCommand, m.isDirectory(file));
  if (!result || !result.ok) {
    for (const issue of result?.issues ?? []) io.stdout(`${formatIssueLine(file, issue, messages)}\n`);
    if (result) io.stdout(`${formatSummary([result], messages)}\n`);
    io.stderr(`baton deploy: ${m.invalidDefinition(file)}\n`);
    return exitCodes.failed;
  }
  for (const issue of result.issues) io.stdout(`${formatIssueLine(file, issue, messages)}\n`);
  const definition = JSON.parse(stripBom(await readFile(path.resolve(io.cwd, file), 'utf8'))) as {
    key: string;
    name: LocalizedText;
    state?: string;
  };
  const key = parsed.values.model ?? definition.key;
  const state = (stateOption ?? (definition.state === 'current' ? 'current' : 'target')) as VersionState;

  const api = await connectOrReport(context, 'deploy');
  if (typeof api === 'number') return api;
  const { client } = api;
  try {
    try {
      await client.getModel(key);
    } catch (error) {
      if (!(error instanceof BatonApiError && error.code === 'API_MODEL_NOT_FOUND')) throw error;
      if (key !== definition.key) {
        // The server refuses a definition whose key differs from its model's; say so before creating a model for nothing.
        io.stderr(`baton deploy: ${m.keyMismatch(key, definition.key, file)}\n`);
        return exitCodes.failed;
      }
      await client.createModel({ key, name: definition.name });
      io.stdout(`${m.createdModel(key)}\n`);
    }
    const published = await client.publish(key, { definition, state });
    const version = published.version;
    const hash = version.contentHash?.slice(0, 12) ?? '-';
    io.stdout(
      `${published.created ? m.published(key, version.number, version.state, hash) : m.unchanged(key, version.number, hash)}\n`,
    );

    const cohort = cohortResult.cohort;
    const existing = (await client.listDeployments(key)).find(
      (d: Deployment) => d.active && d.version === version.number && sameCohort(d.cohort, cohort),
    );
    if (existing) {
      io.stdout(`${m.alreadyDeployed(version.number, describeCohort(cohort, messages), existing.id)}\n`);
      return exitCodes.ok;
    }
    const deployment = await client.deploy(key, { version: version.number, cohort });
    io.stdout(`${m.deployed(key, deployment.version, describeCohort(deployment.cohort, messages), deployment.id)}\n`);
    return exitCodes.ok;
  } catch (error) {
    return reportFailure(context, 'deploy', error);
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
