import { randomUUID } from 'node:crypto';
import { StaffRole } from '../../src/entities/enums';
import { dutchToday } from '../../src/util/dates';
import { eventsOf } from '../support/access-log';
import { aDossier, anOrganisation, aProfessional, BuiltDossier } from '../support/builders';
import { createTestDatabase, TestDatabase } from '../support/database';
import { buildServer, gqlRequest, httpRequest, HttpResult, ServerProcess, startServerProcess } from '../support/server-process';
import { startTcpProxy, TcpProxy } from '../support/tcp-proxy';

const READ = `query Read($id: ID!) { dossier(id: $id) { id
  subject { firstName lastName bsn phone }
  entries { edges { node { text } } }
} }`;
const ADD_ENTRY = 'mutation AddEntry($input: AddEntryInput!) { addEntry(input: $input) { id text } }';

/** What a client may be told while the database is away (SPEC §6, §12). */
const UNAVAILABLE = /^The database is not available at the moment.*Try again shortly\.$/;
const LOG_UNAVAILABLE = /access log could not be written/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 50 ms until it is true; returns the milliseconds it took, or throws after `limitMs`. */
async function within(limitMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await sleep(50);
  }
  throw new Error(`not within ${limitMs} ms`);
}

/**
 * The server as it runs in production (`node dist/src/main.js`, NODE_ENV=production), with its
 * PostgreSQL reached through a TCP proxy the test cuts and restores (SPEC §12, issue 7 item 3).
 */
describe('resilience: the database goes away and comes back (real server process, TCP proxy)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let server: ServerProcess;
  let build: Awaited<ReturnType<typeof buildServer>>;
  let built: BuiltDossier;
  let token: string;
  let sensitive: string[];
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    [build, db] = await Promise.all([buildServer(), createTestDatabase()]);
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    server = await startServerProcess(build.main, proxy.urlFor(db.url));
    const org = await anOrganisation(db.ds);
    const worker = await aProfessional(db.ds, org);
    built = await aDossier().withParent().withAssignment(worker).withEntries(2, worker.id).build(db.ds, org);
    token = await server.staffToken(org, StaffRole.CARE_WORKER, worker);
    sensitive = [built.subject.firstName, built.subject.lastName, built.subject.bsn!, ...built.entries.map((e) => e.text)];
    // Warm: the pool holds open connections when the database goes.
    await Promise.all(Array.from({ length: 4 }, () => gqlRequest(server.base, READ, { id: built.dossier.id }, token)));
  });

  afterAll(async () => {
    if (process.env.KLUIS_TIMINGS) process.stdout.write(`database-outage measurements (ms, counts): ${JSON.stringify(measured)}\n`);
    await server?.kill();
    await proxy?.close();
    await db?.drop();
    build?.remove();
  });

  const read = (opts: { timeoutMs?: number } = {}) => gqlRequest(server.base, READ, { id: built.dossier.id }, token, { timeoutMs: opts.timeoutMs ?? 10_000 });

  function expectServedAndLogged(res: HttpResult) {
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.dossier.subject.bsn).toBe(built.subject.bsn);
  }

  /** A clear, internals-free error instead of data: INTERNAL_SERVER_ERROR saying the database is away, or the fail-closed ACCESS_LOG_UNAVAILABLE. */
  function expectClearError(res: HttpResult) {
    expect([200, 503]).toContain(res.status);
    expect(res.body?.data?.dossier ?? null).toBeNull();
    const errors = res.body.errors as { message: string; extensions: Record<string, unknown> }[];
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      if (e.extensions.code === 'ACCESS_LOG_UNAVAILABLE') expect(e.message).toMatch(LOG_UNAVAILABLE);
      else expect({ code: e.extensions.code, message: e.message }).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: expect.stringMatching(UNAVAILABLE) });
      expect(Object.keys(e.extensions)).toEqual(['code']);
    }
    for (const value of sensitive) expect(res.text).not.toContain(value);
    for (const internal of ['ECONNREFUSED', 'ECONNRESET', '127.0.0.1', String(proxy.port), 'Connection terminated', 'SELECT', 'stack', '    at ']) {
      expect(res.text).not.toContain(internal);
    }
  }

  it('should serve a read through the proxy before anything goes wrong', async () => {
    const res = await read();
    expectServedAndLogged(res);
    expect(await eventsOf(db.ds, res.headers['x-request-id'] as string)).toHaveLength(1);
  });

  describe('while the database is away', () => {
    beforeAll(async () => {
      await proxy.cut();
    });

    it('should answer GET /readyz 503 "database unreachable" within 2 s', async () => {
      const res = await httpRequest(server.base, 'GET', '/readyz', { timeoutMs: 5_000 });
      measured.readyzDown = res.ms;
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'not ready', reason: 'database unreachable' });
      expect(res.ms).toBeLessThan(2_000);
    });

    it('should keep the process up: GET /healthz answers 200', async () => {
      const res = await httpRequest(server.base, 'GET', '/healthz');
      expect(res.status).toBe(200);
      expect(server.child.exitCode).toBeNull();
    });

    it('should answer a read within 3 s with a clear error, no data and no internals', async () => {
      const res = await read();
      measured.readDown = res.ms;
      expectClearError(res);
      expect(res.ms).toBeLessThan(3_000);
    });

    it('should answer 30 concurrent reads each within 3 s with a clear error', async () => {
      const all = await Promise.all(Array.from({ length: 30 }, () => read()));
      measured.slowestOf30ReadsDown = Math.max(...all.map((r) => r.ms));
      for (const res of all) {
        expectClearError(res);
        expect(res.ms).toBeLessThan(3_000);
      }
    });

    it('should refuse a write with a clear error and change nothing', async () => {
      const text = `Niet vastgelegd ${randomUUID()}`;
      const res = await gqlRequest(server.base, ADD_ENTRY, { input: { dossierId: built.dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text } }, token);
      expect(res.ms).toBeLessThan(3_000);
      expect(res.body.data?.addEntry ?? null).toBeNull();
      expect(res.body.errors.map((e: { message: string }) => e.message)).toEqual([expect.stringMatching(UNAVAILABLE)]);
      expect(res.text).not.toContain(text);
      expect(await db.ds.query('SELECT 1 FROM entry WHERE text = $1', [text])).toEqual([]);
    });
  });

  describe('when the database comes back', () => {
    beforeAll(async () => {
      await proxy.restore();
    });

    it('should answer GET /readyz 200 again within 5 s, in the same process', async () => {
      const pid = server.child.pid;
      measured.readyzRecovered = await within(5_000, async () => (await httpRequest(server.base, 'GET', '/readyz')).status === 200);
      expect(server.child.pid).toBe(pid);
      expect(server.child.exitCode).toBeNull();
    });

    it('should serve reads again, more at once than the pool has connections, each with its access-log event', async () => {
      measured.firstReadAfterRestore = await within(5_000, async () => (await read()).status === 200);
      const all = await Promise.all(Array.from({ length: 25 }, () => read()));
      for (const res of all) expectServedAndLogged(res);
      const logged = await db.ds.query('SELECT DISTINCT request_id FROM access_log_event WHERE request_id = ANY($1)', [all.map((r) => r.headers['x-request-id'])]);
      expect(logged).toHaveLength(all.length);
    });

    it('should accept writes again', async () => {
      const text = `Weer vastgelegd ${randomUUID()}`;
      const res = await gqlRequest(server.base, ADD_ENTRY, { input: { dossierId: built.dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text } }, token);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.addEntry.text).toBe(text);
      expect((await eventsOf(db.ds, res.headers['x-request-id'] as string)).map((e) => e.action).sort()).toEqual(['CREATE', 'READ']);
    });

    it('should go through a second outage the same way', async () => {
      await proxy.cut();
      const down = await httpRequest(server.base, 'GET', '/readyz', { timeoutMs: 5_000 });
      expect(down.status).toBe(503);
      expectClearError(await read());
      await proxy.restore();
      await within(5_000, async () => (await httpRequest(server.base, 'GET', '/readyz')).status === 200);
      expectServedAndLogged(await read());
    });
  });

  describe('when the connection drops in the middle of a burst of reads', () => {
    it('should release no value unlogged: every answer is either data with its event or a clear error, and none hangs', async () => {
      const answers: HttpResult[] = [];
      const burst = Array.from({ length: 100 }, () => read({ timeoutMs: 10_000 }).then((r) => void answers.push(r)));
      await within(5_000, async () => answers.length >= 10);
      await proxy.cut();
      await Promise.all(burst);
      await proxy.restore();

      const served = answers.filter((r) => r.body?.data?.dossier);
      const refused = answers.filter((r) => !r.body?.data?.dossier);
      Object.assign(measured, { burstServed: served.length, burstRefused: refused.length, burstLogUnavailable: refused.filter((r) => r.status === 503).length });
      expect(served.length).toBeGreaterThanOrEqual(10);
      for (const res of served) {
        expect(res.status).toBe(200);
        expect(await eventsOf(db.ds, res.headers['x-request-id'] as string)).toHaveLength(1);
      }
      for (const res of refused) expectClearError(res);
      // And the server is fine afterwards.
      await within(5_000, async () => (await httpRequest(server.base, 'GET', '/readyz')).status === 200);
      expectServedAndLogged(await read());
    });
  });
});
