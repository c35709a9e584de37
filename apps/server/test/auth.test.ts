import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '@baton/client';
import { type TestApp, apiError, backends, startTestApp, testPassword } from './harness.ts';

describe.each(backends)('auth, users and teams on $name', (backend) => {
  let t: TestApp;
  /** The session cache's clock (ms): moved by hand to simulate its expiry. */
  let sessionClockMs = 0;
  beforeAll(async () => {
    t = await startTestApp(backend, { sessionClock: () => sessionClockMs });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers GET /api/health without a token, naming the database', async () => {
    const anonymous = t.client();
    expect(await anonymous.health()).toEqual({ status: 'ok', database: backend.name });
    expect(anonymous.lastResponse!.headers['x-request-id']).toBeTruthy();
  });

  it('logs in with the right password and returns a token and the user without its hash', async () => {
    const body = await t.client().login('rep1', testPassword);
    expect(body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body.user).toMatchObject({
      username: 'rep1',
      roles: ['participant'],
      teamKey: 'sales-east',
      locale: 'zh-CN',
    });
    expect(JSON.stringify(body)).not.toContain('scrypt');
    // The token lasts 12 hours.
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    expect(claims.exp - claims.iat).toBe(12 * 3600);
  });

  it('refuses a wrong password and an unknown user alike with 401 API_INVALID_CREDENTIALS', async () => {
    for (const body of [
      { username: 'rep1', password: 'wrong-password' },
      { username: 'nobody', password: testPassword },
    ]) {
      const client = t.client();
      expect(await apiError(client.login(body.username, body.password))).toMatchObject({
        status: 401,
        code: 'API_INVALID_CREDENTIALS',
      });
      expect(client.lastResponse!.json()).toMatchObject({
        statusCode: 401,
        code: 'API_INVALID_CREDENTIALS',
        error: 'Unauthorized',
      });
      expect(client.lastResponse!.json()).not.toHaveProperty('token');
      expect(client.token).toBeUndefined();
    }
  });

  it('answers 401 API_UNAUTHENTICATED without a token, with a malformed one and with a forged one', async () => {
    // Raw requests: the subject is the Authorization header itself (malformed, other schemes), which the typed client cannot send.
    const valid = await t.token('rep1');
    const [h, p] = valid.split('.');
    const forged = `${h}.${p}.${'A'.repeat(43)}`;
    for (const authorization of [undefined, 'Bearer', 'Basic abc', 'Bearer not-a-jwt', `Bearer ${forged}`]) {
      const res = await t.request({ method: 'GET', url: '/api/me', headers: authorization ? { authorization } : {} });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.json<ApiErrorBody>().code).toBe('API_UNAUTHENTICATED');
      expect(res.json<ApiErrorBody>().message).toContain('POST /api/auth/login');
    }
  });

  it('requires a token on unknown /api routes too (401 before 404)', async () => {
    // Raw requests: the subject is a route that does not exist, which the typed client has no method for.
    const res = await t.request({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(401);
    const authed = await t.request({ method: 'GET', url: '/api/nope', as: 'rep1' });
    expect(authed.statusCode).toBe(404);
    expect(authed.json<ApiErrorBody>().code).toBe('API_NOT_FOUND');
  });

  it('returns the logged-in user from GET /api/me', async () => {
    expect(await t.client('manager').me()).toMatchObject({
      username: 'manager',
      teamKey: 'sales',
      roles: ['participant'],
    });
  });

  it('lists the seeded users and the team tree to any logged-in user', async () => {
    const users = await t.client('rep2').listUsers();
    expect(users.map((u) => u.username).sort()).toEqual([
      'admin',
      'aftersales',
      'director',
      'finance',
      'legal',
      'legalmanager',
      'manager',
      'ops',
      'owner',
      'release',
      'rep1',
      'rep2',
    ]);
    const byName = new Map(users.map((u) => [u.username, u]));
    // Business positions, which process definitions name as owner roles.
    expect(
      Object.fromEntries(users.filter((u) => u.positions.length > 0).map((u) => [u.username, u.positions])),
    ).toEqual({
      aftersales: ['after-sales'],
      director: ['sales-director'],
      finance: ['finance'],
      legal: ['legal'],
      legalmanager: ['legal-manager'],
      manager: ['sales-manager'],
      rep1: ['sales-rep'],
      rep2: ['sales-rep'],
    });
    expect(byName.get('manager')!.managerId).toBe(byName.get('director')!.id);
    expect(byName.get('rep1')!.managerId).toBe(byName.get('manager')!.id);
    expect(byName.get('legal')!.managerId).toBe(byName.get('legalmanager')!.id);

    const teams = await t.client('rep2').listTeams();
    const team = new Map(teams.map((x) => [x.key, x]));
    expect([...team.keys()].sort()).toEqual([
      'after-sales',
      'company',
      'finance',
      'legal',
      'sales',
      'sales-east',
      'sales-west',
    ]);
    expect(team.get('company')!.parentId).toBeNull();
    expect(team.get('sales-east')!.parentId).toBe(team.get('sales')!.id);
    expect(team.get('sales')!.parentId).toBe(team.get('company')!.id);
    expect(team.get('sales')!.managerId).toBe(byName.get('manager')!.id);
    expect(team.get('legal')!.managerId).toBe(byName.get('legalmanager')!.id);
    expect(team.get('sales')!.name).toEqual({ en: 'Sales', 'zh-CN': '销售部' });
  });

  it('lets only an admin create users; the new user can log in', async () => {
    const body = {
      username: 'rep3',
      displayName: 'Rep Three',
      password: 'a-long-password',
      roles: ['participant' as const],
      teamKey: 'sales-west',
      managerUsername: 'manager',
    };
    const before = await t.count('users');
    for (const as of ['owner', 'ops', 'rep1']) {
      expect(await apiError(t.client(as).createUser(body)), as).toMatchObject({ status: 403, code: 'API_FORBIDDEN' });
    }
    expect(await t.count('users')).toBe(before);

    const admin = t.client('admin');
    expect(await admin.createUser(body)).toMatchObject({
      username: 'rep3',
      teamKey: 'sales-west',
      locale: 'en',
      outOfOffice: false,
    });
    expect(admin.lastResponse!.statusCode).toBe(201);
    expect((await t.client().login('rep3', 'a-long-password')).user.username).toBe('rep3');

    expect(await apiError(admin.createUser(body))).toMatchObject({ status: 409, code: 'API_USER_EXISTS' });
  });

  it('rejects a new user with an unknown team or manager, naming the field', async () => {
    const error = await apiError(
      t.client('admin').createUser({
        username: 'ghost',
        displayName: 'G',
        password: 'a-long-password',
        roles: [],
        teamKey: 'mars',
        managerUsername: 'nobody',
      }),
    );
    expect(error.status).toBe(400);
    expect(error.issues.map((i) => i.path)).toEqual(['/teamKey', '/managerUsername']);
  });

  it("stops accepting the token of a user deleted behind the server's back once the 1 s session cache expires", async () => {
    await t
      .client('admin')
      .createUser({ username: 'temp', displayName: 'Temp', password: 'a-long-password', roles: [] });
    const temp = t.client();
    await temp.login('temp', 'a-long-password');
    expect((await temp.me()).username).toBe('temp');
    await t.database.db.deleteFrom('users').where('username', '=', 'temp').execute();
    sessionClockMs += 500;
    expect((await temp.me()).username).toBe('temp');
    sessionClockMs += 501;
    const after = await apiError(temp.me());
    expect(after.status).toBe(401);
    expect(after.message).toContain('no longer exists');
  });
});
