import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { JWTPayload } from 'jose';
import pino, { Logger } from 'pino';
import request, { Response } from 'supertest';
import { AppOptions, createApp, KluisApp } from '../../src/app';
import { generateSigningKey, SigningKey, verificationKeys } from '../../src/auth/dev-keys';
import { mintToken } from '../../src/auth/mint-token';
import { mintDemoTokens } from '../../src/demo/demo-tokens';
import { createTokenVerifier } from '../../src/auth/token-verifier';
import { createDataSource, DataSourceOptions, statementCount } from '../../src/db/data-source';
import { Organisation, Person, Professional } from '../../src/entities';
import { StaffRole } from '../../src/entities/enums';
import { admin, createTestDatabase, TestDatabase } from './database';
import { startTcpProxy, TcpProxy } from './tcp-proxy';

export const TEST_ISSUER = 'https://idp.test/kluis';
export const TEST_AUDIENCE = 'kluis-test';
/** The access log's HMAC key in tests (fixed, so `audit:verify` can be run against a test database). */
export const TEST_AUDIT_KEY = Buffer.alloc(32, 7);

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: (string | number)[]; extensions: { code: string; field?: string } }[] | undefined;
  response: Response;
}

export interface TestApp extends KluisApp {
  /** The test's database; `db.ds` is connected as the superuser (for setting up and inspecting data). */
  db: TestDatabase;
  /** The DataSource the app itself uses: `db.ds`, or one connected as the application role (`asAppRole`). */
  appDs: DataSource;
  /** The login role the app connects as when started with `asAppRole` (a member of `kluis_app`). */
  appRole?: string;
  /** With `viaProxy`: the TCP proxy between the app's DataSource and PostgreSQL (`cut()`, `stall()`, `restore()`). */
  proxy?: TcpProxy;
  key: SigningKey;
  /** Signs arbitrary claims with the trusted test key (issuer and audience set unless overridden). */
  sign(claims: JWTPayload, opts?: { issuer?: string; audience?: string; ttl?: number }): Promise<string>;
  /** A token for a staff member of `org` with a multi-factor login. */
  staffToken(org: Organisation, role: StaffRole | `${StaffRole}`, who?: Professional | string): Promise<string>;
  /** A token for a client (parent, child, youth): only the person is claimed, never a role in a dossier. */
  clientToken(person: Person): Promise<string>;
  partnerToken(org: Organisation, scope: string, clientId?: string): Promise<string>;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  /** POSTs an arbitrary JSON body to /graphql (e.g. a persisted-query request without text). */
  response(token: string | undefined, body: unknown): Promise<Response>;
  /** SQL statements the app has sent so far; compare before and after a request. */
  statements(): number;
  close(): Promise<void>;
}

export interface StartTestAppOptions {
  production?: boolean;
  /** Rate limit and partner allowlists; tests get a limit they never reach unless they set one. */
  limits?: AppOptions['limits'];
  log?: Logger;
  /**
   * Connect the app as the application role instead of the superuser: a LOGIN role that is a
   * member of `kluis_app` (so it has exactly its grants — SELECT only on the access log, EXECUTE
   * on `kluis_append_access_log`). `true`: a role named after this test's database; a string:
   * that role name. The role is created if missing (roles are cluster-wide) and dropped by `close()`.
   */
  asAppRole?: boolean | string;
  /**
   * Connect the app's DataSource to PostgreSQL through a TCP proxy the test controls
   * (`app.proxy`), so the database can be taken away and given back under a running app.
   * `db.ds` stays direct, for setting up and inspecting data while the proxy is cut. An object:
   * DataSource options for the proxied DataSource (e.g. shorter timeouts).
   */
  viaProxy?: boolean | Pick<DataSourceOptions, 'poolSize' | 'connectTimeoutMillis' | 'statementTimeoutMillis' | 'queryTimeoutMillis'>;
  /** Serve the explorer (development only); `demoTokens`: its demo buttons sign with the trusted test key. */
  explorer?: { demoTokens: boolean };
  /** Collect metrics (AppOptions.metrics), e.g. `{ expose: true }` for GET /metrics. */
  metrics?: AppOptions['metrics'];
}


/** Creates (idempotently) a LOGIN role in `kluis_app` and a DataSource of the test database connected as it. */
async function appRoleDataSource(db: TestDatabase, role: string, via: (url: string) => string = (u) => u, options: Partial<DataSourceOptions> = {}): Promise<DataSource> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`invalid role name ${role}`);
  await admin((c) => c.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
        CREATE ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT IN ROLE kluis_app;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`));
  // A password too: the embedded server (no DATABASE_URL) authenticates by password, not trust.
  const password = randomBytes(12).toString('hex');
  await admin((c) => c.query(`ALTER ROLE "${role}" PASSWORD '${password}'`));
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  const ds = createDataSource({ poolSize: 5, ...options, url: via(url.toString()) });
  await ds.initialize();
  return ds;
}

/** The real HTTP app on a database of this test file's own, with a fresh signing key. */
export async function startTestApp(opts: StartTestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const key = await generateSigningKey();
  const verifyToken = createTokenVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: verificationKeys(key) });
  const appRole = opts.asAppRole ? (typeof opts.asAppRole === 'string' ? opts.asAppRole : `kluis_app_${db.name}`) : undefined;
  const proxy = opts.viaProxy ? await startTcpProxy({ host: new URL(db.url).hostname, port: Number(new URL(db.url).port || 5432) }) : undefined;
  const proxyOptions = typeof opts.viaProxy === 'object' ? opts.viaProxy : {};
  let appDs = db.ds;
  if (appRole) appDs = await appRoleDataSource(db, appRole, proxy ? (u) => proxy.urlFor(u) : undefined, proxyOptions);
  else if (proxy) {
    appDs = createDataSource({ poolSize: 5, ...proxyOptions, url: proxy.urlFor(db.url) });
    await appDs.initialize();
  }
  const kluis = await createApp({ ds: appDs, verifyToken, log: opts.log ?? pino({ level: 'silent' }), production: !!opts.production, auditKey: TEST_AUDIT_KEY,
    limits: opts.limits ?? { ratePerMinute: 1_000_000, partnerOperations: {} }, metrics: opts.metrics,
    explorer: opts.explorer && { demoTokens: opts.explorer.demoTokens ? () => mintDemoTokens({ key, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }) : undefined } });
  const sign: TestApp['sign'] = (claims, o = {}) => mintToken(key, claims, { issuer: o.issuer ?? TEST_ISSUER, audience: o.audience ?? TEST_AUDIENCE, ttl: o.ttl });
  return {
    ...kluis,
    db,
    appDs,
    appRole,
    proxy,
    key,
    sign,
    staffToken: (org, role, who) => sign({ sub: typeof who === 'string' ? who : who?.subject ?? `staff-${role}`, role, org: org.id, amr: ['pwd', 'otp'] }),
    clientToken: (person) => sign({ sub: `client-${person.id}`, role: 'client', person: person.id, org: person.organisationId }),
    partnerToken: (org, scope, clientId = `partner-${scope}`) => sign({ sub: clientId, azp: clientId, scope, org: org.id }),
    response(token, body) {
      const req = request(kluis.app).post('/graphql').set('content-type', 'application/json');
      if (token) req.set('authorization', `Bearer ${token}`);
      return req.send(body as object);
    },
    async gql(query, variables, token) {
      const req = request(kluis.app).post('/graphql').set('content-type', 'application/json');
      if (token) req.set('authorization', `Bearer ${token}`);
      const response = await req.send({ query, variables });
      return { status: response.status, data: response.body.data, errors: response.body.errors, response };
    },
    statements: () => statementCount(appDs),
    async close() {
      await kluis.apollo.stop();
      // The proxy first: a stalled connection would keep the pool from ending.
      await proxy?.close();
      if (appDs !== db.ds && appDs.isInitialized) await appDs.destroy();
      await db.drop();
      if (appRole) await admin((c) => c.query(`DROP ROLE IF EXISTS "${appRole}"`));
    },
  };
}
