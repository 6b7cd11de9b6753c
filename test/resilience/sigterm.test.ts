import http from 'node:http';
import { StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aProfessional, BuiltDossier } from '../support/builders';
import { createTestDatabase, TestDatabase } from '../support/database';
import { buildServer, gqlRequest, HttpResult, ServerProcess, startServerProcess } from '../support/server-process';

const READ = `query Read($id: ID!) { dossier(id: $id) { id
  subject { firstName lastName bsn }
  entries { edges { node { text } } }
} }`;

interface Outcome {
  res?: HttpResult;
  error?: string;
  /** Milliseconds after SIGTERM the answer arrived (negative: before). */
  afterSignal?: number;
}

/**
 * SIGTERM while the server is busy (SPEC §6: no response carrying a sensitive value without its
 * log event; issue 7 item 3: in-flight requests finish, no log event is lost, a clean exit).
 */
describe('resilience: SIGTERM under load (real server process)', () => {
  let db: TestDatabase;
  let build: Awaited<ReturnType<typeof buildServer>>;
  let built: BuiltDossier;
  let org: Awaited<ReturnType<typeof anOrganisation>>;
  let worker: Awaited<ReturnType<typeof aProfessional>>;
  const servers: ServerProcess[] = [];
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    [build, db] = await Promise.all([buildServer(), createTestDatabase()]);
    org = await anOrganisation(db.ds);
    worker = await aProfessional(db.ds, org);
    built = await aDossier().withParent().withAssignment(worker).withEntries(5, worker.id).build(db.ds, org);
  });
  afterAll(async () => {
    if (process.env.KLUIS_TIMINGS) process.stdout.write(`sigterm measurements: ${JSON.stringify(measured)}\n`);
    for (const s of servers) await s.kill();
    await db?.drop();
    build?.remove();
  });

  async function start(): Promise<{ server: ServerProcess; token: string }> {
    const server = await startServerProcess(build.main, db.url);
    servers.push(server);
    return { server, token: await server.staffToken(org, StaffRole.CARE_WORKER, worker) };
  }

  /** Every answer that carried the dossier has its READ event; nothing but 200 or a refused connection came back. */
  async function expectNothingUnlogged(outcomes: Outcome[]) {
    const served = outcomes.filter((o) => o.res?.status === 200);
    for (const o of served) {
      expect(o.res!.body.errors).toBeUndefined();
      expect(o.res!.body.data.dossier.subject.bsn).toBe(built.subject.bsn);
    }
    const ids = served.map((o) => o.res!.headers['x-request-id'] as string);
    const logged: { request_id: string }[] = await db.ds.query(
      `SELECT DISTINCT request_id FROM access_log_event WHERE request_id = ANY($1) AND action = 'READ' AND outcome = 'GRANTED' AND dossier_id = $2`,
      [ids, built.dossier.id],
    );
    expect(new Set(logged.map((r) => r.request_id))).toEqual(new Set(ids));
    // Any other outcome is a connection the server never accepted (closed listener), never an HTTP error or a hang.
    for (const o of outcomes.filter((x) => x.res?.status !== 200)) {
      expect({ status: o.res?.status, error: o.error }).toEqual({ status: undefined, error: expect.stringMatching(/ECONNREFUSED|ECONNRESET|socket hang up/) });
    }
    return served;
  }

  /**
   * Sends `total` reads through `send` at once, SIGTERMs the server when `signalAfter` have been
   * answered, and waits for every read and for the process to exit.
   */
  async function loadAndSignal(server: ServerProcess, total: number, signalAfter: number, send: () => Promise<HttpResult>) {
    let signalledAt = 0;
    let answered = 0;
    const outcomes = await Promise.all(
      Array.from({ length: total }, () =>
        send().then(
          (res): Outcome => {
            answered += 1;
            if (answered === signalAfter) {
              signalledAt = Date.now();
              server.child.kill('SIGTERM');
            }
            return { res, afterSignal: signalledAt ? Date.now() - signalledAt : -1 };
          },
          (err: Error & { code?: string }): Outcome => ({ error: `${err.code ?? ''} ${err.message}` }),
        ),
      ),
    );
    expect(signalledAt).toBeGreaterThan(0);
    const exit = await server.exited;
    return { outcomes, exit, exitMs: Date.now() - signalledAt };
  }

  it('should finish the requests in flight, log every one it answered, and exit 0 (200 concurrent reads, a connection each)', async () => {
    const { server, token } = await start();
    const { outcomes, exit, exitMs } = await loadAndSignal(server, 200, 40, () => gqlRequest(server.base, READ, { id: built.dossier.id }, token, { timeoutMs: 25_000 }));
    expect(exit).toEqual({ code: 0, signal: null });
    const served = await expectNothingUnlogged(outcomes);
    const afterSignal = served.filter((o) => o.afterSignal! >= 0).length;
    Object.assign(measured, { oneShotServed: served.length, oneShotServedAfterSigterm: afterSignal, oneShotExitMs: exitMs });
    // Requests were still running when the signal came, and they were answered.
    expect(afterSignal).toBeGreaterThan(0);
    expect(exitMs).toBeLessThan(10_000);
  });

  it('should also stop with keep-alive clients that keep sending (32 persistent connections)', async () => {
    const { server, token } = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    try {
      const { outcomes, exit, exitMs } = await loadAndSignal(server, 400, 80, () => gqlRequest(server.base, READ, { id: built.dossier.id }, token, { agent, timeoutMs: 25_000 }));
      const served = await expectNothingUnlogged(outcomes);
      Object.assign(measured, { keepAliveServed: served.length, keepAliveServedAfterSigterm: served.filter((o) => o.afterSignal! >= 0).length, keepAliveExitMs: exitMs });
      expect(exit).toEqual({ code: 0, signal: null });
      expect(exitMs).toBeLessThan(5_000);
    } finally {
      agent.destroy();
    }
  });
});
