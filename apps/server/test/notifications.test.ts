import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatonApiError, type ListNotificationsQuery, type UserNotification, type ApiErrorBody } from '@baton/client';
import { createNullHub } from '../src/ws/hub.ts';
import { type TestApp, apiError, backends, startTestApp, testPassword, stringContaining } from './harness.ts';
import { advanceClockPast, definition, openTaskAt, publishAndDeploy, startInstance } from './run-loop-helpers.ts';

/** A review assigned to rep1, due in one clock hour, with a reminder half-way. */
const nudge = definition(
  'nudge',
  [
    { id: 'start', type: 'start' },
    {
      id: 'review',
      type: 'userTask',
      name: { 'zh-CN': '复核', en: 'Review' },
      owner: { type: 'user', user: 'rep1' },
      deadline: { duration: 'PT1H', time: 'clock', escalations: [{ at: 0.5, action: { type: 'remind' } }] },
    },
    { id: 'end', type: 'end' },
  ],
  ['start->review', 'review->end'],
);

/** A review offered to every sales rep (rep1 and rep2): an urge tells both. */
const teamNudge = definition(
  'team-nudge',
  [
    { id: 'start', type: 'start' },
    { id: 'review', type: 'userTask', owner: { type: 'role', role: 'sales-rep' } },
    { id: 'end', type: 'end' },
  ],
  ['start->review', 'review->end'],
);

describe.each(backends)('notifications on $name', (backend) => {
  let t: TestApp;
  /** Records what the websocket would push. */
  const hub = createNullHub();
  const pushed = (type: string) => hub.published.filter((p) => p.message.type === type);
  beforeAll(async () => {
    // The poller never runs by itself: the test fires due timers with runOnce.
    t = await startTestApp(backend, { timers: { intervalMs: 60_000 }, hub });
    await publishAndDeploy(t, 'nudge', nudge);
    await publishAndDeploy(t, 'team-nudge', teamNudge);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function list(as: string, query: ListNotificationsQuery = {}): Promise<UserNotification[]> {
    return t.client(as).listNotifications(query);
  }

  /** Starts a `nudge` instance as rep2 (so rep2 may urge it) and urges its review; rep1 is told. */
  async function urgedReview(businessKey: string) {
    const instanceId = await startInstance(t, 'rep2', 'nudge', { businessKey });
    const task = await openTaskAt(t, instanceId, 'review');
    await t.client('rep2').urgeTask(task.id);
    return { instanceId, task };
  }

  it('shows the recipient the urge and the escalation reminder, newest first, with model and business key; nobody else', async () => {
    const { instanceId, task } = await urgedReview('ACME-1');
    const [reminder] = await t.database.db
      .selectFrom('timers')
      .select('due_at')
      .where('instance_id', '=', instanceId)
      .where('kind', '=', 'escalation')
      .execute();
    await advanceClockPast(t, reminder!.due_at.getTime());
    await t.app.runtime.timers.runOnce();

    const mine = (await list('rep1')).filter((n) => n.instanceId === instanceId);
    expect(mine.map((n) => n.kind)).toEqual(['reminder', 'urge']);
    expect(mine[0]!.id).toBeGreaterThan(mine[1]!.id);
    for (const n of mine) {
      expect(n).toMatchObject({
        instanceId,
        taskId: task.id,
        modelKey: 'nudge',
        businessKey: 'ACME-1',
        nodeName: { 'zh-CN': '复核', en: 'Review' },
        readAt: null,
      });
      expect(Number.isNaN(Date.parse(n.createdAt))).toBe(false);
    }
    expect(mine[0]!.payload).toEqual({ reason: 'reminder', node: 'review', task: task.key, action: 'remind' });
    expect(mine[1]!.payload).toEqual({ reason: 'urge', node: 'review', task: task.key });
    // The reminder was written at the run loop's (moved) clock, after the urge.
    expect(Date.parse(mine[0]!.createdAt)).toBeGreaterThan(Date.parse(mine[1]!.createdAt));

    // The urger, a stranger and an admin see none of rep1's notifications.
    for (const other of ['rep2', 'finance', 'admin']) {
      expect(
        (await list(other)).filter((n) => n.instanceId === instanceId),
        other,
      ).toEqual([]);
    }
    // Every row the run loop wrote for the instance is rep1's, and rep1 sees each of them.
    const rows = await t.database.db
      .selectFrom('notifications')
      .select('id')
      .where('instance_id', '=', instanceId)
      .orderBy('id', 'desc')
      .execute();
    expect(rows.map((r) => r.id)).toEqual(mine.map((n) => n.id));
  });

  it('filters by unread, marks one read idempotently and keeps other users and bad requests out', async () => {
    const { instanceId } = await urgedReview('ACME-2');
    await t.client('rep2').urgeTask((await openTaskAt(t, instanceId, 'review')).id);
    const [newer, older] = (await list('rep1')).filter((n) => n.instanceId === instanceId);
    expect([newer!.kind, older!.kind]).toEqual(['urge', 'urge']);

    const rep1 = t.client('rep1');
    const marked = await rep1.markNotificationRead(older!.id);
    expect(marked).toMatchObject({
      id: older!.id,
      kind: 'urge',
      instanceId,
      modelKey: 'nudge',
      businessKey: 'ACME-2',
      nodeName: { 'zh-CN': '复核', en: 'Review' },
    });
    expect(marked.readAt).not.toBeNull();
    // Idempotent: a second call keeps the first read time. (Raw: an explicit empty body, which the client never sends.)
    const again = await t.request({
      method: 'POST',
      url: `/api/notifications/${older!.id}/read`,
      as: 'rep1',
      body: {},
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json<UserNotification>().readAt).toBe(marked.readAt);
    // rep1's other sessions are told, and nobody else.
    expect(pushed('notification.read').slice(-2)).toEqual([
      { message: { type: 'notification.read', id: older!.id, readAt: marked.readAt }, audience: { users: ['rep1'] } },
      { message: { type: 'notification.read', id: older!.id, readAt: marked.readAt }, audience: { users: ['rep1'] } },
    ]);

    const ofInstance = (ns: UserNotification[]) => ns.filter((n) => n.instanceId === instanceId).map((n) => n.id);
    expect(ofInstance(await list('rep1', { unread: true }))).toEqual([newer!.id]);
    expect(ofInstance(await list('rep1', { unread: false }))).toEqual([older!.id]);
    expect(ofInstance(await list('rep1'))).toEqual([newer!.id, older!.id]);
    expect((await list('rep1', { unread: true })).every((n) => n.readAt === null)).toBe(true);
    expect((await list('rep1', { unread: false })).every((n) => n.readAt !== null)).toBe(true);

    // Someone else's notification answers exactly like one that does not exist, and stays unread.
    for (const id of [newer!.id, 9007199254740991]) {
      expect(await apiError(t.client('rep2').markNotificationRead(id)), String(id)).toMatchObject({
        status: 404,
        code: 'API_NOTIFICATION_NOT_FOUND',
      });
    }
    expect(await apiError(rep1.markNotificationRead(123456789))).toMatchObject({
      status: 404,
      code: 'API_NOTIFICATION_NOT_FOUND',
      message: stringContaining('123456789'),
    });

    // Bad ids, unknown body fields and bad query values are 400 and change nothing.
    // Raw requests: the subject is what the typed client cannot send (non-integer ids, unknown fields and query values).
    for (const id of ['abc', '0', '-1', '1.5']) {
      const bad = await t.request({ method: 'POST', url: `/api/notifications/${id}/read`, as: 'rep1' });
      expect(bad.statusCode, id).toBe(400);
      expect(bad.json<ApiErrorBody>().code).toBe('API_VALIDATION');
    }
    const extra = await t.request({
      method: 'POST',
      url: `/api/notifications/${newer!.id}/read`,
      as: 'rep1',
      body: { readAt: '2020-01-01T00:00:00Z' },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ code: 'API_VALIDATION', issues: [{ path: '/readAt' }] });
    for (const query of ['?unread=maybe', '?limit=0', '?limit=201', '?offset=-1', '?user=rep2']) {
      const bad = await t.request({ method: 'GET', url: `/api/notifications${query}`, as: 'rep1' });
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json<ApiErrorBody>().code).toBe('API_VALIDATION');
    }
    expect(ofInstance(await list('rep1', { unread: true }))).toEqual([newer!.id]);

    // Without a token nothing is listed or marked.
    const anonymous = t.client();
    expect((await apiError(anonymous.listNotifications())).status).toBe(401);
    expect((await apiError(anonymous.markNotificationRead(newer!.id))).status).toBe(401);
    expect((await apiError(anonymous.markAllNotificationsRead())).status).toBe(401);
  });

  it('pages newest first with limit (default 50) and offset', async () => {
    for (let i = 0; i < 3; i += 1) await urgedReview(`PAGE-${i}`);
    const all = await list('rep1', { limit: 200 });
    expect(all.length).toBeGreaterThanOrEqual(6);
    const ids = all.map((n) => n.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect((await list('rep1', { limit: 2 })).map((n) => n.id)).toEqual(ids.slice(0, 2));
    expect((await list('rep1', { limit: 2, offset: 2 })).map((n) => n.id)).toEqual(ids.slice(2, 4));
    expect(await list('rep1', { offset: ids.length })).toEqual([]);

    // More than 50: the default page stops at 50.
    const rep1 = await t.database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'rep1')
      .executeTakeFirstOrThrow();
    const filler = Array.from({ length: 55 - ids.length }, (_, i) => ({
      user_id: rep1.id,
      kind: 'urge',
      payload: JSON.stringify({ filler: i }),
    }));
    if (filler.length > 0) await t.database.db.insertInto('notifications').values(filler).execute();
    const page = await list('rep1');
    expect(page).toHaveLength(50);
    // A notification without an instance has no model or business key.
    expect(page[0]).toMatchObject({ instanceId: null, taskId: null, modelKey: null, businessKey: null });
  });

  it("marks all of the caller's unread notifications read and answers how many, leaving other users' alone", async () => {
    const instanceId = await startInstance(t, 'rep1', 'team-nudge', { businessKey: 'TEAM-1' });
    const task = await openTaskAt(t, instanceId, 'review');
    await t.client('rep1').urgeTask(task.id);
    // Both candidates got their own copy.
    const [rep1Copy] = (await list('rep1')).filter((n) => n.instanceId === instanceId);
    const [rep2Copy] = (await list('rep2')).filter((n) => n.instanceId === instanceId);
    // `review` has no name here: null, and the bell shows the node id.
    expect(rep1Copy).toMatchObject({
      kind: 'urge',
      modelKey: 'team-nudge',
      businessKey: 'TEAM-1',
      nodeName: null,
      readAt: null,
    });
    expect(rep2Copy).toMatchObject({ kind: 'urge', readAt: null });
    expect(rep2Copy!.id).not.toBe(rep1Copy!.id);

    const unread = (await list('rep1', { unread: true, limit: 200 })).length;
    expect(unread).toBeGreaterThan(1);
    const rep2Unread = (await list('rep2', { unread: true, limit: 200 })).length;
    // Raw request: a body with an unknown field, which the typed client cannot send.
    expect(
      (await t.request({ method: 'POST', url: '/api/notifications/read-all', as: 'rep1', body: { all: true } }))
        .statusCode,
    ).toBe(400);

    const rep1 = t.client('rep1');
    expect(await rep1.markAllNotificationsRead()).toEqual({ updated: unread });
    expect(pushed('notification.read').at(-1)).toEqual({
      message: { type: 'notification.read', all: true, count: unread },
      audience: { users: ['rep1'] },
    });
    expect(await list('rep1', { unread: true })).toEqual([]);
    expect((await list('rep1', { limit: 200 })).every((n) => n.readAt !== null)).toBe(true);
    // rep2's copy of the same urge is still unread.
    expect((await list('rep2', { unread: true, limit: 200 })).map((n) => n.id)).toContain(rep2Copy!.id);
    expect((await list('rep2', { unread: true, limit: 200 })).length).toBe(rep2Unread);

    const before = pushed('notification.read').length;
    expect(await rep1.markAllNotificationsRead()).toEqual({ updated: 0 });
    expect(pushed('notification.read')).toHaveLength(before); // nothing changed, nothing pushed
  });

  it('is reachable through the typed client', async () => {
    const { instanceId } = await urgedReview('CLIENT-1');
    const rep1 = t.client();
    await rep1.login('rep1', testPassword);
    const [latest] = await rep1.listNotifications({ unread: true, limit: 1 });
    expect(latest).toMatchObject({ instanceId, kind: 'urge', businessKey: 'CLIENT-1', readAt: null });
    expect((await rep1.markNotificationRead(latest!.id)).readAt).not.toBeNull();
    expect((await rep1.listNotifications({ unread: false, limit: 1 }))[0]!.id).toBe(latest!.id);

    const rep2 = t.client();
    await rep2.login('rep2', testPassword);
    const refused = await rep2.markNotificationRead(latest!.id).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BatonApiError);
    expect(refused).toMatchObject({ status: 404, code: 'API_NOTIFICATION_NOT_FOUND' });
    expect(await rep1.markAllNotificationsRead()).toEqual({ updated: 0 });
  });
});
