/**
 * `@baton/client`: a typed client for the Baton HTTP API, plus the API contract it shares with
 * the server. Pure: the caller passes `fetch` in, so the client runs in browsers, Node and tests.
 *
 * @module
 */
import type {
  ApiErrorBody,
  ApiErrorCode,
  ApiIssue,
  CreateDeploymentBody,
  CreateModelBody,
  CreateUserBody,
  CreateVersionBody,
  Deployment,
  Health,
  LoginResult,
  ProcessModel,
  PublishResult,
  Team,
  UpdateVersionBody,
  User,
  Version,
  VersionDiff,
  VersionSummary,
} from './contract.ts';

export * from './contract.ts';

/** The part of a `fetch` response the client reads. */
export interface FetchResponseLike {
  status: number;
  text(): Promise<string>;
}

/** The part of the `fetch` request options the client sets. */
export interface FetchInitLike {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A `fetch` function: the global one, or any stand-in (tests pass one backed by `app.inject`). */
export type FetchLike = (url: string, init: FetchInitLike) => Promise<FetchResponseLike>;

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Where the server lives, e.g. `http://127.0.0.1:3000` (no trailing `/api`). */
  baseUrl: string;
  fetch: FetchLike;
  /** A bearer token from an earlier login. */
  token?: string;
}

/**
 * The error every client method throws on a non-2xx answer: the HTTP status and the server's
 * `API_*` code, message and issues.
 */
export class BatonApiError extends Error {
  override readonly name = 'BatonApiError';
  readonly status: number;
  readonly code: ApiErrorCode | 'CLIENT_BAD_RESPONSE';
  readonly issues: ApiIssue[];

  constructor(status: number, code: ApiErrorCode | 'CLIENT_BAD_RESPONSE', message: string, issues: ApiIssue[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

/** The typed Baton API client returned by {@link createClient}. */
export interface BatonClient {
  /** The bearer token in use, if any. */
  readonly token: string | undefined;
  /** Replaces the bearer token (for example after a login elsewhere). */
  setToken(token: string | undefined): void;
  /** Logs in and keeps the returned token for later calls. */
  login(username: string, password: string): Promise<LoginResult>;
  health(): Promise<Health>;
  me(): Promise<User>;
  listUsers(): Promise<User[]>;
  createUser(body: CreateUserBody): Promise<User>;
  listTeams(): Promise<Team[]>;
  listModels(): Promise<ProcessModel[]>;
  getModel(key: string): Promise<ProcessModel>;
  createModel(body: CreateModelBody): Promise<ProcessModel>;
  listVersions(key: string): Promise<VersionSummary[]>;
  getVersion(key: string, number: number): Promise<Version>;
  /** Saves a new draft; throws `API_INVALID_DEFINITION` with every issue when invalid. */
  createVersion(key: string, body: CreateVersionBody): Promise<Version>;
  /** Replaces a draft's definition; throws `API_VERSION_NOT_DRAFT` once published. */
  updateVersion(key: string, number: number, body: UpdateVersionBody): Promise<Version>;
  /** Publishes a draft; `created: false` when identical content was already published. */
  publishVersion(key: string, number: number): Promise<PublishResult>;
  /** Creates a draft and publishes it in one transaction (what `baton deploy` uses). */
  publish(key: string, body: CreateVersionBody): Promise<PublishResult>;
  diff(key: string, from: number, to: number): Promise<VersionDiff>;
  listDeployments(key: string): Promise<Deployment[]>;
  deploy(key: string, body: CreateDeploymentBody): Promise<Deployment>;
  rollbackDeployment(key: string, id: number): Promise<Deployment>;
}

/**
 * Creates a typed client for the Baton HTTP API.
 *
 * Pure: all I/O goes through the `fetch` passed in. Every method throws a
 * {@link BatonApiError} on a non-2xx answer.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:3000', fetch: globalThis.fetch });
 * await client.login('admin', password);
 * const models = await client.listModels();
 */
export function createClient(options: ClientOptions): BatonClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  let token = options.token;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const init: FetchInitLike = { method, headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await options.fetch(`${baseUrl}${path}`, init);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      throw new BatonApiError(
        response.status,
        'CLIENT_BAD_RESPONSE',
        `${method} ${path}: the server answered ${response.status} with a body that is not JSON. Check baseUrl (${baseUrl}) points at a Baton server.`,
      );
    }
    if (response.status < 200 || response.status > 299) {
      const error = parsed as Partial<ApiErrorBody> | undefined;
      if (error && typeof error.code === 'string' && typeof error.message === 'string') {
        throw new BatonApiError(response.status, error.code, error.message, error.issues ?? []);
      }
      throw new BatonApiError(
        response.status,
        'CLIENT_BAD_RESPONSE',
        `${method} ${path}: the server answered ${response.status} without a Baton error body.`,
      );
    }
    return parsed as T;
  }

  const seg = encodeURIComponent;

  return {
    get token() {
      return token;
    },
    setToken(next) {
      token = next;
    },
    async login(username, password) {
      const result = await call<LoginResult>('POST', '/api/auth/login', { username, password });
      token = result.token;
      return result;
    },
    health: () => call('GET', '/api/health'),
    me: () => call('GET', '/api/me'),
    listUsers: () => call('GET', '/api/users'),
    createUser: (body) => call('POST', '/api/users', body),
    listTeams: () => call('GET', '/api/teams'),
    listModels: () => call('GET', '/api/models'),
    getModel: (key) => call('GET', `/api/models/${seg(key)}`),
    createModel: (body) => call('POST', '/api/models', body),
    listVersions: (key) => call('GET', `/api/models/${seg(key)}/versions`),
    getVersion: (key, number) => call('GET', `/api/models/${seg(key)}/versions/${number}`),
    createVersion: (key, body) => call('POST', `/api/models/${seg(key)}/versions`, body),
    updateVersion: (key, number, body) => call('PUT', `/api/models/${seg(key)}/versions/${number}`, body),
    publishVersion: (key, number) => call('POST', `/api/models/${seg(key)}/versions/${number}/publish`),
    publish: (key, body) => call('POST', `/api/models/${seg(key)}/publish`, body),
    diff: (key, from, to) => call('GET', `/api/models/${seg(key)}/diff?from=${from}&to=${to}`),
    listDeployments: (key) => call('GET', `/api/models/${seg(key)}/deployments`),
    deploy: (key, body) => call('POST', `/api/models/${seg(key)}/deployments`, body),
    rollbackDeployment: (key, id) => call('POST', `/api/models/${seg(key)}/deployments/${id}/rollback`),
  };
}
