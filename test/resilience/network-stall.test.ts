import type { Pool } from 'pg';
import request from 'supertest';
import { StaffRole } from '../../src/entities/enums';
import { eventsOf } from '../support/access-log';
import { aDossier, anOrganisation, aProfessional, BuiltDossier } from '../support/builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

const READ = `query Read($id: ID!) { dossier(id: $id) { id
  subject { firstName lastName bsn }
  entries { edges { node { text } } }
} }`;

const UNAVAILABLE = /^The database (is not available at the moment|did not answer in time).*Try again shortly\.$/;

/** Short timeouts, so that each one is seen within the test (production: 5 s, 15 s, 20 s). */
const TIMEOUTS = { poolSize: 3, connectTimeoutMillis: 1_000, statementTimeoutMillis: 500, queryTimeoutMillis: 1_500 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A network partition rather than a stopped database: connections stay open but nothing
 * answers, so no error arrives by itself and only timeouts can end a request. Then a
 * failover-like return, where the old connections stay silent for good and only new ones work.
 */
describe('resilience: the network to the database stalls (nothing answers, nothing is refused)', () => {
  let app: TestApp;
  let built: BuiltDossier;
  let token: string;
  const measured: Record<string, number> = {};

  const pool = () => (app.appDs.driver as unknown as { master: Pool }).master;
  const read = () => app.gql(READ, { id: built.dossier.id }, token);
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const started = Date.now();
    const result = await work();
    return [result, Date.now() - started];
  };

  function expectClearError(res: GqlResult) {
    expect(res.data?.dossier ?? null).toBeNull();
    expect(res.errors?.length).toBeGreaterThan(0);
    for (const e of res.errors!) {
      if (e.extensions.code === 'ACCESS_LOG_UNAVAILABLE') continue;
      expect({ code: e.extensions.code, message: e.message }).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: expect.stringMatching(UNAVAILABLE) });
    }
    for (const value of [built.subject.bsn!, built.subject.lastName, ...built.entries.map((e) => e.text)]) expect(res.response.text).not.toContain(value);
    expect(res.response.text).not.toMatch(/timeout exceeded|Query read timeout|Connection terminated|127\.0\.0\.1/);
  }

  /** Fills the pool with open connections through the proxy. */
  async function warm() {
    await Promise.all(Array.from({ length: TIMEOUTS.poolSize }, () => app.appDs.query('SELECT pg_sleep(0.05)')));
    expect(pool().totalCount).toBe(TIMEOUTS.poolSize);
  }

  async function recovered(limitMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const res = await read();
      if (res.status === 200 && res.data?.dossier) return Date.now() - started;
      if (Date.now() - started > limitMs) throw new Error(`no recovery within ${limitMs} ms: ${res.response.text}`);
      await sleep(50);
    }
  }

  beforeAll(async () => {
    app = await startTestApp({ viaProxy: TIMEOUTS });
    const org = await anOrganisation(app.db.ds);
    const worker = await aProfessional(app.db.ds, org);
    built = await aDossier().withParent().withAssignment(worker).withEntries(2, worker.id).build(app.db.ds, org);
    token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
    expect((await read()).status).toBe(200);
  });
  afterAll(async () => {
    if (process.env.KLUIS_TIMINGS) process.stdout.write(`network-stall measurements (ms): ${JSON.stringify(measured)}\n`);
    await app?.close();
  });

  describe('while the network stalls', () => {
    beforeAll(async () => {
      await warm();
      await app.proxy!.stall();
    });
    afterAll(async () => {
      await app.proxy!.restore();
    });

    it('should answer GET /readyz 503 within 2 s', async () => {
      const [res, ms] = await timed(() => request(app.app).get('/readyz'));
      measured.readyzStalled = ms;
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'not ready', reason: 'database unreachable' });
      expect(ms).toBeLessThan(2_000);
    });

    it('should run one readiness probe at a time however often /readyz is asked', async () => {
      const accepted = app.proxy!.accepted;
      const answers = await Promise.all(Array.from({ length: 20 }, () => request(app.app).get('/readyz')));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(503));
      // At most the one probe that may still be waiting for a connection opened one more.
      expect(app.proxy!.accepted - accepted).toBeLessThanOrEqual(1);
    });

    it('should answer a read with a clear error within the timeouts (no hang)', async () => {
      const [res, ms] = await timed(read);
      measured.readStalled = ms;
      expectClearError(res);
      // At worst a query's read timeout, then a connect timeout for the access-log write.
      expect(ms).toBeLessThan(TIMEOUTS.queryTimeoutMillis + TIMEOUTS.connectTimeoutMillis + 1_000);
    });
  });

  describe('when it comes back as after a failover (the old connections stay silent for good)', () => {
    it('should not be stuck on connections whose queries timed out: new ones are used at once', async () => {
      await warm();
      await app.proxy!.stall();
      // Every pooled connection now carries a query that will never be answered.
      const failures = await Promise.all(Array.from({ length: TIMEOUTS.poolSize }, () => app.appDs.query('SELECT 1').then(() => null, (e: Error) => e.message)));
      expect(failures).toEqual(Array(TIMEOUTS.poolSize).fill('Query read timeout'));
      await app.proxy!.restore({ keepStalled: true });

      const [, ms] = await timed(() => app.appDs.query('SELECT 1'));
      // (Without discarding them, every pooled connection would keep its unanswered query and
      // each later query would wait behind it, for good.)
      measured.firstQueryAfterFailover = ms;
      expect(ms).toBeLessThan(500);
      // More statements than the pool has connections, all on healthy ones.
      await Promise.all(Array.from({ length: 3 * TIMEOUTS.poolSize }, () => app.appDs.query('SELECT 1')));
      const res = await read();
      expect(res.status).toBe(200);
      expect(res.data?.dossier.subject.bsn).toBe(built.subject.bsn);
      expect(await eventsOf(app.db.ds, res)).toHaveLength(1);
    });

    it('should recover by itself once each silent idle connection has failed one query', async () => {
      await warm();
      await app.proxy!.stall();
      await app.proxy!.restore({ keepStalled: true });
      // The pool does not know yet: its idle connections are dead. Each fails one query (after the
      // query timeout) and is discarded; requests in the meantime get a clear error.
      measured.recoveryWithSilentIdleConnections = await recovered(TIMEOUTS.poolSize * TIMEOUTS.queryTimeoutMillis + 1_000);
      for (let i = 0; i < 5; i += 1) expect((await read()).status).toBe(200);
      expect((await request(app.app).get('/readyz')).status).toBe(200);
    });
  });
});
