/**
 * `npm run bench`: the real HTTP server (authorisation + access log, NODE_ENV=production)
 * against the bare baseline (bare.ts: same stack, no authorisation, no log), on ≥ 10,000
 * dossiers, driven by autocannon, interleaved round by round. Then the graphql-level authz
 * benchmark (authz.ts). Prints Markdown tables and writes bench/results/*.json.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../src/app';
import { generateSigningKey, verificationKeys } from '../src/auth/dev-keys';
import { mintToken } from '../src/auth/mint-token';
import { createTokenVerifier } from '../src/auth/token-verifier';
import { statementCount } from '../src/db/data-source';
import { createBareApp } from './bare';
import { openBenchDatabase } from './bench-db';
import { percentile, printTable, writeJson } from './report';
import { BENCH_AUDITOR, BENCH_ORG, careWorker, seedBench } from './seed';

const ISSUER = 'https://idp.bench/kluis';
const AUDIENCE = 'kluis-bench';
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Unmeasured load per scenario and server before the rounds: JIT, connection pool and plan caches warm. */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

const CASELOAD = `query Caseload { dossiers(first: 50) { edges { node { id status type openedOn closedOn
  subject { firstName lastName dateOfBirth bsn city phone } } } } }`;
const DETAIL = `query DossierPage($id: ID!) { dossier(id: $id) { id version status type openedOn closedOn verwijsindexSignalOn legalHold
  subject { firstName lastName dateOfBirth gender nationality street postalCode city phone email bsn idDocumentType idDocumentNumber addressConfidential }
  family { edges { node { relation hasCustody informedOfRegistration person { firstName lastName dateOfBirth phone email street city bsn } } } }
  entitlements { edges { node { municipality decisionNumber product validFrom validUntil } } }
  supportPlan { updatedAt goals { edges { node { text status } } } }
  entries(first: 20) { edges { node { kind occurredOn text hiddenFrom author { displayName } } } } } }`;
const AUDIT = `query AuditView { dossiers(first: 50) { edges { node { id subject { firstName lastName }
  family { edges { node { relation } } } entries(first: 5) { edges { node { kind text } } } entitlements { edges { node { product } } } } } } }`;

function start(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code) => code && code !== 143 && console.error(`${script} exited with ${code}`));
  return child;
}

async function ready(port: number, token: string): Promise<void> {
  for (let i = 0; i < 150; i += 1) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ dossiers(first: 1) { edges { node { id } } } }"}' });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server on ${port} did not come up`);
}

async function stop(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Scenario {
  name: string;
  token: string;
  query: string;
  variables?: Record<string, unknown>;
}

async function load(port: number, s: Scenario, duration = DURATION) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/graphql`, method: 'POST', connections: CONNECTIONS, duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
    body: JSON.stringify({ query: s.query, variables: s.variables }),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts };
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = await openBenchDatabase();
  const data = await seedBench(db.ds, Number(process.env.BENCH_DOSSIERS ?? 10_000));
  const key = await generateSigningKey();
  const dir = mkdtempSync(path.join(tmpdir(), 'kluis-bench-'));
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [key.publicJwk] }));
  const sign = (claims: Record<string, unknown>) => mintToken(key, claims, { issuer: ISSUER, audience: AUDIENCE, ttl: 3600 });
  const staff = (sub: string, role: string) => sign({ sub, role, org: BENCH_ORG, amr: ['pwd', 'otp'] });
  const scenarios: Scenario[] = [
    { name: 'caseload list (50 dossiers × 11 fields)', token: await staff(careWorker(50), 'care_worker'), query: CASELOAD },
    { name: 'dossier detail (~150 fields, family, plan, 20 entries)', token: await staff(careWorker(50), 'care_worker'), query: DETAIL, variables: { id: data.newestDossierId } },
    { name: 'parent view of a dossier (many fields denied)', token: await sign({ sub: 'bench-parent', role: 'client', person: data.parentPersonId, org: BENCH_ORG }), query: DETAIL, variables: { id: data.newestDossierId } },
    { name: 'auditor view (50 granted dossiers, pseudonymised)', token: await staff(BENCH_AUDITOR, 'auditor'), query: AUDIT },
  ];

  // SQL statements per request, in-process on the same database (one request each).
  const verifyToken = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: verificationKeys(key) });
  const appOptions = { ds: db.ds, verifyToken, log: pino({ level: 'silent' }), production: true, auditKey: randomBytes(32), limits: { ratePerMinute: 100_000_000, partnerOperations: {} } };
  const real = await createApp(appOptions);
  const bare = await createBareApp(appOptions);
  const statements = async (app: typeof real.app, s: Scenario) => {
    const before = statementCount(db.ds);
    const res = await request(app).post('/graphql').set('authorization', `Bearer ${s.token}`).send({ query: s.query, variables: s.variables });
    if (res.status !== 200 || !res.body.data) throw new Error(`${s.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return statementCount(db.ds) - before;
  };
  const caseloadStatements: Record<string, number> = {};
  for (const n of [10, 100]) {
    caseloadStatements[`caseload ${n}`] = await statements(real.app, { name: `caseload ${n}`, token: await staff(careWorker(n), 'care_worker'), query: CASELOAD.replace('first: 50', `first: ${n}`) });
  }

  const serverEnv = (port: number, workers = 1) => ({
    NODE_ENV: 'production', DATABASE_URL: db.url, JWKS_FILE: jwksFile, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, PORT: String(port),
    MIGRATIONS: 'skip', SEED_DEMO: '0', LOG_LEVEL: 'warn', AUDIT_HMAC_KEY: randomBytes(32).toString('base64'), WEB_CONCURRENCY: String(workers),
    // One token per scenario drives hundreds of requests a second: the per-subject limit must not be what is measured.
    RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const results: Record<string, { authz: Awaited<ReturnType<typeof load>>[]; bare: Awaited<ReturnType<typeof load>>[] }> = {};
  const authzServer = start(path.resolve(__dirname, '../src/main.js'), serverEnv(4801));
  const bareServer = start(path.resolve(__dirname, 'serve-bare.js'), serverEnv(4802));
  await Promise.all([ready(4801, scenarios[0].token), ready(4802, scenarios[0].token)]);
  // Otherwise the first scenario's first round measures the start-up of whichever server goes first.
  if (WARMUP > 0) for (const s of scenarios) for (const port of [4801, 4802]) await load(port, s, WARMUP);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const s of scenarios) {
      results[s.name] ??= { authz: [], bare: [] };
      // Alternate which variant goes first, so warm-up and drift favour neither.
      const order = round % 2 ? (['bare', 'authz'] as const) : (['authz', 'bare'] as const);
      for (const v of order) results[s.name][v].push(await load(v === 'authz' ? 4801 : 4802, s));
    }
  }
  await Promise.all([stop(authzServer), stop(bareServer)]);

  const best = (xs: Awaited<ReturnType<typeof load>>[]) => ({
    rps: xs.reduce((a, x) => a + x.rps, 0) / xs.length, p50: percentile(xs.map((x) => x.p50), 50), p99: percentile(xs.map((x) => x.p99), 50), errors: xs.reduce((a, x) => a + x.errors, 0),
  });
  const rows = [];
  for (const s of scenarios) {
    const a = best(results[s.name].authz);
    const b = best(results[s.name].bare);
    rows.push({
      scenario: s.name, 'authz req/s': a.rps, 'bare req/s': b.rps, 'throughput ratio': a.rps / b.rps, 'authz p50 ms': a.p50, 'authz p99 ms': a.p99,
      'bare p99 ms': b.p99, 'p99 ratio': a.p99 / b.p99, 'SQL/req authz': await statements(real.app, s), 'SQL/req bare': await statements(bare.app, s), errors: a.errors + b.errors,
    });
  }
  await real.apollo.stop();
  await bare.apollo.stop();

  // Throughput with 1 and 2 worker processes (WEB_CONCURRENCY), authorised server only.
  const workerRows = [];
  for (const workers of [1, 2]) {
    const server = start(path.resolve(__dirname, '../src/main.js'), serverEnv(4803, workers));
    await ready(4803, scenarios[0].token);
    for (const s of scenarios.slice(0, 2)) {
      if (WARMUP > 0) await load(4803, s, WARMUP);
      const r = await load(4803, s);
      workerRows.push({ workers, scenario: s.name, 'req/s': r.rps, 'p50 ms': r.p50, 'p99 ms': r.p99, errors: r.errors });
    }
    await stop(server);
  }

  printTable(`bench — HTTP, ${data.dossiers} dossiers, ${CONNECTIONS} connections, ${ROUNDS}×${DURATION} s per variant, interleaved`, rows);
  printTable('SQL statements per request by caseload size (must not grow)', [caseloadStatements]);
  printTable('worker processes (WEB_CONCURRENCY), authorised server', workerRows);
  writeJson('http', { dossiers: data.dossiers, connections: CONNECTIONS, seconds: DURATION, rounds: ROUNDS, scenarios: rows, caseloadStatements, workers: workerRows });
  await db.close();
  process.stdout.write(`bench: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
