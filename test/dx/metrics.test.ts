import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { APPEND_FUNCTION } from '../../src/audit/access-log';
import { loadConfig } from '../../src/config';
import { startMetricsServer } from '../../src/dx/metrics-server';
import { AssignmentRole, StaffRole } from '../../src/entities/enums';
import { dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aProfessional } from '../support/builders';
import { startTestApp, TestApp } from '../support/test-app';

const READ = `query ReadDossier($id: ID!) { dossier(id: $id) { id subject { firstName phone bsn } } }`;
const ADD_ENTRY = 'mutation AddEntry($input: AddEntryInput!) { addEntry(input: $input) { id } }';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (enough of it for these metrics: no escaped quotes in label values). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

async function scrape(app: TestApp): Promise<Sample[]> {
  const res = await request(app.app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(res.text);
}

/** Runs `work` and returns how much each metric moved. */
async function delta(app: TestApp, work: () => Promise<unknown>): Promise<(name: string, labels?: Record<string, string>) => number> {
  const before = await scrape(app);
  await work();
  const after = await scrape(app);
  return (name, labels = {}) => value(after, name, labels) - value(before, name, labels);
}

describe('metrics at GET /metrics (issue 8)', () => {
  let app: TestApp;
  let s: Awaited<ReturnType<typeof setup>>;

  async function setup() {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const expert = await aProfessional(ds, org);
    const { dossier } = await aDossier().withParent().withAssignment(worker).withAssignment(expert, AssignmentRole.BEHAVIOURAL_EXPERT).build(ds, org);
    return {
      dossier,
      workerToken: await app.staffToken(org, StaffRole.CARE_WORKER, worker),
      expertToken: await app.staffToken(org, StaffRole.BEHAVIOURAL_EXPERT, expert),
    };
  }

  beforeAll(async () => {
    app = await startTestApp({ metrics: { expose: true } });
    s = await setup();
  });
  afterAll(() => app.close());

  it('should count a request by its operation name and outcome and observe its latency', async () => {
    const moved = await delta(app, async () => {
      const res = await app.gql(READ, { id: s.dossier.id }, s.workerToken);
      expect(res.errors).toBeUndefined();
    });
    expect(moved('kluis_graphql_requests_total', { operation: 'ReadDossier', outcome: 'ok' })).toBe(1);
    expect(moved('kluis_graphql_requests_total')).toBe(1);
    expect(moved('kluis_graphql_request_duration_seconds_count', { operation: 'ReadDossier' })).toBe(1);
    expect(moved('kluis_graphql_request_duration_seconds_sum', { operation: 'ReadDossier' })).toBeGreaterThan(0);
    expect(moved('kluis_graphql_request_duration_seconds_bucket', { operation: 'ReadDossier', le: '+Inf' })).toBe(1);
  });

  it('should count a request refused before execution by its error code', async () => {
    const moved = await delta(app, async () => {
      expect((await app.gql(READ, { id: s.dossier.id }, 'not-a-token')).status).toBe(401);
      expect((await app.gql('query Bad { noSuchField }', {}, s.workerToken)).status).toBe(400);
    });
    expect(moved('kluis_graphql_requests_total', { operation: '(none)', outcome: 'UNAUTHENTICATED' })).toBe(1);
    expect(moved('kluis_graphql_requests_total', { operation: '(none)', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(moved('kluis_graphql_request_duration_seconds_count', { operation: '(none)' })).toBe(2);
  });

  it('should count a request with a denied field by the first error code, and the denied fields by category', async () => {
    // A behavioural expert reads no contact data and no identifiers (SPEC §4).
    const moved = await delta(app, async () => {
      const res = await app.gql(READ, { id: s.dossier.id }, s.expertToken);
      expect(res.data?.dossier.subject).toEqual({ firstName: expect.any(String), phone: null, bsn: null });
    });
    expect(moved('kluis_denied_fields_total', { category: 'CONTACT' })).toBe(1);
    expect(moved('kluis_denied_fields_total', { category: 'IDENTIFIERS' })).toBe(1);
    expect(moved('kluis_denied_fields_total', { category: 'IDENTITY' })).toBe(0);
    expect(moved('kluis_graphql_requests_total', { operation: 'ReadDossier', outcome: 'FORBIDDEN' })).toBe(1);
  });

  it('should not count denied fields when every field is granted', async () => {
    const moved = await delta(app, () => app.gql(READ, { id: s.dossier.id }, s.workerToken));
    expect(moved('kluis_denied_fields_total')).toBe(0);
  });

  it('should observe the access-log write of a read and of a write', async () => {
    const read = await delta(app, () => app.gql(READ, { id: s.dossier.id }, s.workerToken));
    expect(read('kluis_access_log_write_duration_seconds_count', { kind: 'read' })).toBe(1);
    expect(read('kluis_access_log_write_duration_seconds_count', { kind: 'write' })).toBe(0);
    const write = await delta(app, async () => {
      const res = await app.gql(ADD_ENTRY, { input: { dossierId: s.dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text: `Telefonisch contact ${randomUUID()}` } }, s.workerToken);
      expect(res.errors).toBeUndefined();
    });
    expect(write('kluis_access_log_write_duration_seconds_count', { kind: 'write' })).toBe(1);
    expect(write('kluis_access_log_write_failures_total')).toBe(0);
  });

  it('should not observe a log write for a request that read nothing', async () => {
    const moved = await delta(app, () => app.gql('query Ping { __typename }'));
    expect(moved('kluis_access_log_write_duration_seconds_count')).toBe(0);
    expect(moved('kluis_graphql_requests_total', { operation: 'Ping', outcome: 'ok' })).toBe(1);
  });

  it('should report the database pool, read when scraped', async () => {
    const samples = await scrape(app);
    const total = value(samples, 'kluis_db_pool_connections');
    expect(total).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'kluis_db_pool_idle_connections')).toBeLessThanOrEqual(total);
    expect(value(samples, 'kluis_db_pool_waiting_requests')).toBe(0);
    expect(value(samples, 'kluis_db_pool_max_connections')).toBeGreaterThanOrEqual(total);
  });

  it('should cap the operation names it keeps apart, so clients cannot grow the metrics without bound', async () => {
    const names = Array.from({ length: 110 }, (_, i) => `Probe${i}_${randomUUID().slice(0, 8)}`);
    for (const name of names) await app.gql(`query ${name} { __typename }`);
    const samples = await scrape(app);
    const operations = new Set(samples.filter((x) => x.name === 'kluis_graphql_requests_total').map((x) => x.labels.operation));
    expect(operations.size).toBeLessThanOrEqual(100 + 3);
    expect(value(samples, 'kluis_graphql_requests_total', { operation: 'other' })).toBeGreaterThanOrEqual(10);
    expect(operations.has(names[names.length - 1])).toBe(false);
  });
});

describe('metrics when the access log cannot be written', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ asAppRole: true, metrics: { expose: true } });
  });
  afterAll(async () => {
    try {
      await app.db.ds.query(`GRANT EXECUTE ON FUNCTION ${APPEND_FUNCTION} TO kluis_app`);
    } finally {
      await app.close();
    }
  });

  it('should count the failed write, observe its duration and the request as ACCESS_LOG_UNAVAILABLE', async () => {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const { dossier } = await aDossier().withAssignment(worker).build(ds, org);
    const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
    // Provisioning of the professional happens before the log is cut off.
    expect((await app.gql(READ, { id: dossier.id }, token)).status).toBe(200);
    const moved = await delta(app, async () => {
      await ds.query(`REVOKE EXECUTE ON FUNCTION ${APPEND_FUNCTION} FROM kluis_app`);
      try {
        expect((await app.gql(READ, { id: dossier.id }, token)).status).toBe(503);
      } finally {
        await ds.query(`GRANT EXECUTE ON FUNCTION ${APPEND_FUNCTION} TO kluis_app`);
      }
    });
    expect(moved('kluis_access_log_write_failures_total', { kind: 'read' })).toBe(1);
    expect(moved('kluis_access_log_write_duration_seconds_count', { kind: 'read' })).toBe(1);
    expect(moved('kluis_graphql_requests_total', { operation: 'ReadDossier', outcome: 'ACCESS_LOG_UNAVAILABLE' })).toBe(1);
  });
});

describe('who can reach the metrics', () => {
  it('should answer 404 at /metrics in production unless configured', async () => {
    const app = await startTestApp({ production: true });
    try {
      expect((await request(app.app).get('/metrics')).status).toBe(404);
      expect(app.metrics).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('should serve /metrics in production when configured on the API port', async () => {
    const app = await startTestApp({ production: true, metrics: { expose: true } });
    try {
      await app.gql('query Ping { __typename }');
      const res = await request(app.app).get('/metrics');
      expect(res.status).toBe(200);
      expect(value(parse(res.text), 'kluis_graphql_requests_total', { operation: 'Ping' })).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('should serve metrics only on their own listener when METRICS_PORT is used, not on the API port', async () => {
    const app = await startTestApp({ production: true, metrics: { expose: false } });
    const listener = await startMetricsServer(0, '127.0.0.1', app.metrics!.serve);
    try {
      expect((await request(app.app).get('/metrics')).status).toBe(404);
      await app.gql('query Ping { __typename }');
      const res = await fetch(`http://127.0.0.1:${listener.port}/metrics`);
      expect(res.status).toBe(200);
      expect(value(parse(await res.text()), 'kluis_graphql_requests_total', { operation: 'Ping' })).toBe(1);
      expect((await fetch(`http://127.0.0.1:${listener.port}/graphql`)).status).toBe(404);
    } finally {
      await listener.stop();
      await app.close();
    }
  });

  it('should keep the counters of two apps in one process apart (a registry per app)', async () => {
    const [a, b] = await Promise.all([startTestApp({ metrics: { expose: true } }), startTestApp({ metrics: { expose: true } })]);
    try {
      await a.gql('query OnlyA { __typename }');
      expect(value(await scrape(a), 'kluis_graphql_requests_total', { operation: 'OnlyA' })).toBe(1);
      expect(value(await scrape(b), 'kluis_graphql_requests_total', { operation: 'OnlyA' })).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  describe('configuration (METRICS, METRICS_PORT)', () => {
    const production = { NODE_ENV: 'production', JWKS_FILE: '/keys.json', JWT_ISSUER: 'https://idp', JWT_AUDIENCE: 'kluis' };
    it('should collect and serve metrics by default in development, and not in production', () => {
      expect(loadConfig({}).metrics).toEqual({ enabled: true, port: undefined });
      expect(loadConfig(production).metrics).toEqual({ enabled: false, port: undefined });
    });
    it('should enable metrics in production with METRICS=on or METRICS_PORT', () => {
      expect(loadConfig({ ...production, METRICS: 'on' }).metrics).toEqual({ enabled: true, port: undefined });
      expect(loadConfig({ ...production, METRICS_PORT: '9464' }).metrics).toEqual({ enabled: true, port: 9464 });
      expect(loadConfig({ METRICS: 'off' }).metrics.enabled).toBe(false);
    });
    it('should refuse a value it does not understand', () => {
      expect(() => loadConfig({ METRICS: 'yes please' })).toThrow(/METRICS/);
      expect(() => loadConfig({ METRICS_PORT: 'x' })).toThrow(/METRICS_PORT/);
      expect(() => loadConfig({ METRICS: 'off', METRICS_PORT: '9464' })).toThrow(/contradicts/);
    });
  });
});
