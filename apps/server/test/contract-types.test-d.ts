/**
 * Type tests (checked by `tsc`, part of `npm test`): what the routes' handlers return has exactly
 * the type derived from the response schema the route declares, and the messages the run loop
 * builds are the contract's push messages.
 */
import { expectTypeOf } from 'vitest';
import type {
  Static,
  deploymentListSchema,
  deploymentSchema,
  instanceDetailSchema,
  instanceListSchema,
  processModelListSchema,
  processModelSchema,
  publishResultSchema,
  taskDetailSchema,
  taskListSchema,
  teamListSchema,
  userListSchema,
  userSchema,
  versionSchema,
  versionSummaryListSchema,
  WsPushMessage,
} from '@baton/client/contract';
import { createDeployment, listDeployments, rollbackDeployment } from '../src/deployments/deployment-repository.ts';
import { getInstanceDetail, listInstances } from '../src/instances/instance-repository.ts';
import {
  createDraft,
  createModel,
  listModels,
  listVersions,
  publishDefinition,
  publishDraft,
  toVersionDto,
  updateDraft,
} from '../src/models/model-repository.ts';
import type { AppliedEffects } from '../src/runtime/write-step.ts';
import { listInbox, toTaskDetailDto } from '../src/tasks/task-repository.ts';
import { findUserById, listTeams, listUsers } from '../src/users/user-repository.ts';
import type { Hub } from '../src/ws/hub.ts';

// GET /api/users, /api/teams, /api/me, POST /api/users
expectTypeOf(listUsers).returns.resolves.toEqualTypeOf<Static<typeof userListSchema>>();
expectTypeOf(listTeams).returns.resolves.toEqualTypeOf<Static<typeof teamListSchema>>();
expectTypeOf(findUserById).returns.resolves.toEqualTypeOf<Static<typeof userSchema> | undefined>();

// Models and versions
expectTypeOf(listModels).returns.resolves.toEqualTypeOf<Static<typeof processModelListSchema>>();
expectTypeOf(createModel).returns.resolves.toEqualTypeOf<Static<typeof processModelSchema>>();
expectTypeOf(listVersions).returns.resolves.toEqualTypeOf<Static<typeof versionSummaryListSchema>>();
// The repository returns versions without `issues`; the routes add them (models.routes.ts).
type StoredVersion = Omit<Static<typeof versionSchema>, 'issues'>;
type StoredPublishResult = { version: StoredVersion; created: Static<typeof publishResultSchema>['created'] };
expectTypeOf(toVersionDto).returns.toEqualTypeOf<StoredVersion>();
expectTypeOf(createDraft).returns.resolves.toEqualTypeOf<StoredVersion>();
expectTypeOf(updateDraft).returns.resolves.toEqualTypeOf<StoredVersion>();
expectTypeOf(publishDraft).returns.resolves.toEqualTypeOf<StoredPublishResult>();
expectTypeOf(publishDefinition).returns.resolves.toEqualTypeOf<StoredPublishResult>();

// Deployments
expectTypeOf(listDeployments).returns.resolves.toEqualTypeOf<Static<typeof deploymentListSchema>>();
expectTypeOf(createDeployment).returns.resolves.toEqualTypeOf<Static<typeof deploymentSchema>>();
expectTypeOf(rollbackDeployment).returns.resolves.toEqualTypeOf<Static<typeof deploymentSchema>>();

// Instances and tasks
expectTypeOf(listInstances).returns.resolves.toEqualTypeOf<Static<typeof instanceListSchema>>();
expectTypeOf(getInstanceDetail).returns.resolves.toEqualTypeOf<Static<typeof instanceDetailSchema> | undefined>();
expectTypeOf(listInbox).returns.resolves.toEqualTypeOf<Static<typeof taskListSchema>>();
expectTypeOf(toTaskDetailDto).returns.toEqualTypeOf<Static<typeof taskDetailSchema>>();

// The websocket: the hub takes only contract messages, and the run loop builds nothing else.
expectTypeOf<Parameters<Hub['publish']>[0]>().toEqualTypeOf<WsPushMessage>();
expectTypeOf<AppliedEffects['messages'][number]['message']>().toEqualTypeOf<WsPushMessage>();
