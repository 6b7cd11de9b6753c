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
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { paced, PacedResult } from './paced';
import { percentile, printTable, writeJson } from './report';
import { BENCH_AUDITOR, BENCH_ORG, careWorker, seedBench } from './seed';

const ISSUER = 'https://idp.bench/kluis';
const AUDIENCE = 'kluis-bench';
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Unmeasured load per scenario and server before the rounds: JIT, connection pool and plan caches warm. */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
/**
 * The fixed offered load of the latency windows, as a share of the slower variant's saturated
 * throughput — which is what the whole machine carries for one server. Both servers run at once,
 * so the machine carries twice this: at 0.4 (until run 22) that was 0.8 of it plus the load
 * generator, and the dossier page's window queued on both servers (p50 630 and 209 ms, against
 * 58 ms at saturation with 16 connections), a ratio of two overloads. At 0.25 the machine is
 * about half busy.
 */
const LATENCY_LOAD = Number(process.env.BENCH_LATENCY_LOAD ?? 0.25);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);

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

/**
 * CPU time (user + system, ms) of these processes so far, with that of their children already
 * ended (so backends PostgreSQL closed during a window count through the postmaster), from /proc
 * (Linux; 0 elsewhere).
 */
function cpuMs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime, stime, cutime, cstime are the 12th to 15th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone (a backend that ended: the postmaster's children time has it) or not Linux
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** The PostgreSQL processes of this machine (postmaster, backends, WAL writer …): the database's share of a request. */
function postgresPids(): number[] {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    }).map(Number);
  } catch {
    return [];
  }
}

function start(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_ARGS?.split(" ").filter(Boolean) ?? []), script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code) => code && code !== 143 && console.error(`${script} exited with ${code}`));
  // A failed run must not leave its servers behind, holding the ports for the next one.
  process.on('exit', () => child.kill());
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

/**
 * One load window. Besides throughput and latency, the CPU each process spent per request — the
 * API server, PostgreSQL, the load generator (this process) — which says where a difference
 * between the variants comes from, and moves far less than throughput on a shared machine.
 */
async function load(port: number, s: Scenario, server?: ChildProcess, duration = DURATION) {
  const pg = postgresPids();
  const before = { api: cpuMs(server?.pid ? [server.pid] : []), pg: cpuMs(pg), gen: process.cpuUsage() };
  const r = await autocannon({ url: `http://127.0.0.1:${port}/graphql`, method: 'POST', connections: CONNECTIONS, duration, ...httpRequest(s) });
  const n = Math.max(1, r.requests.total);
  const gen = process.cpuUsage(before.gen);
  return {
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts,
    apiCpuMs: (cpuMs(server?.pid ? [server.pid] : []) - before.api) / n, pgCpuMs: (cpuMs(postgresPids()) - before.pg) / n, genCpuMs: (gen.user + gen.system) / 1000 / n,
  };
}

/** The failed requests of a fixed-load window per variant: `0`, or e.g. `1 (authz: HTTP 503)`. */
function describeErrors(authz: readonly string[], bare: readonly string[]): string {
  const kinds = (xs: readonly string[]) => [...new Set(xs)].map((k) => `${k} ×${xs.filter((x) => x === k).length}`).join(', ');
  const parts = Object.entries({ authz, bare }).filter(([, xs]) => xs.length).map(([server, xs]) => `${server}: ${kinds(xs)}`);
  return parts.length ? `${authz.length + bare.length} (${parts.join('; ')})` : '0';
}

const httpRequest = (s: Scenario) => ({
  headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
  body: JSON.stringify({ query: s.query, variables: s.variables }),
});

async function main(): Promise<void> {
  const started = Date.now();
  const db = await openBenchDatabase();
  const data = await seedBench(db.ds, Number(process.env.BENCH_DOSSIERS ?? 10_000));
  // Every run starts from an empty access log, the same state each time: the bench database is
  // kept between runs, and only the authorised server appends to the log (and pays its
  // autovacuum and growing GIN index). After five runs its partition held 125,000 batches
  // (382 MB); caseload-only runs gave 0.56–0.69 on it and 0.73 twice right after emptying it,
  // though the next full run from an empty log gave 0.69 — part of the noise, not all of it.
  await db.ds.query('TRUNCATE access_log_batch, access_log_chain');
  const key = await generateSigningKey();
  const dir = mkdtempSync(path.join(tmpdir(), 'kluis-bench-'));
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [key.publicJwk] }));
  const sign = (claims: Record<string, unknown>) => mintToken(key, claims, { issuer: ISSUER, audience: AUDIENCE, ttl: 3600 });
  const staff = (sub: string, role: string) => sign({ sub, role, org: BENCH_ORG, amr: ['pwd', 'otp'] });
  const all: Scenario[] = [
    { name: 'caseload list (50 dossiers × 11 fields)', token: await staff(careWorker(50), 'care_worker'), query: CASELOAD },
    { name: 'dossier detail (~150 fields, family, plan, 20 entries)', token: await staff(careWorker(50), 'care_worker'), query: DETAIL, variables: { id: data.newestDossierId } },
    { name: 'parent view of a dossier (many fields denied)', token: await sign({ sub: 'bench-parent', role: 'client', person: data.parentPersonId, org: BENCH_ORG }), query: DETAIL, variables: { id: data.newestDossierId } },
    { name: 'auditor view (50 granted dossiers, pseudonymised)', token: await staff(BENCH_AUDITOR, 'auditor'), query: AUDIT },
  ];
  // BENCH_ONLY=caseload (a word of the scenario's name) measures one scenario, for a quick look at a change.
  const scenarios = all.filter((s) => !process.env.BENCH_ONLY || s.name.includes(process.env.BENCH_ONLY));

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
  const servers = { authz: { port: 4801, process: authzServer }, bare: { port: 4802, process: bareServer } };
  if (WARMUP > 0) for (const s of scenarios) for (const v of Object.values(servers)) await load(v.port, s, v.process, WARMUP);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const s of scenarios) {
      results[s.name] ??= { authz: [], bare: [] };
      // Alternate which variant goes first, so warm-up and drift favour neither.
      const order = round % 2 ? (['bare', 'authz'] as const) : (['authz', 'bare'] as const);
      for (const v of order) results[s.name][v].push(await load(servers[v].port, s, servers[v].process));
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  // Latency at a fixed offered load both servers carry: at saturation a closed loop's latency is
  // its connections divided by its throughput (Little's law), so that p99 ratio only restates the
  // throughput ratio. Same rate for both, a share of what the slower carries at saturation,
  // requests evenly spaced (paced.ts). Both variants run at the same time: this shared machine
  // stalls now and then for tens of milliseconds (other services, the disk), and a p99 is made
  // of such moments — run one after the other, whichever variant a stall happened to hit lost.
  const fixed: Record<string, { rate: number; authz: PacedResult[]; bare: PacedResult[] }> = {};
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const s of scenarios) {
      const carried = Math.min(mean(results[s.name].authz.map((x) => x.rps)), mean(results[s.name].bare.map((x) => x.rps)));
      const f = (fixed[s.name] ??= { rate: Math.round(LATENCY_LOAD * carried), authz: [], bare: [] });
      const { headers, body } = httpRequest(s);
      const [a, b] = await Promise.all([servers.authz, servers.bare].map((v) => paced(v.port, headers, body, f.rate, LATENCY_SECONDS)));
      f.authz.push(a);
      f.bare.push(b);
    }
  }
  await Promise.all([stop(authzServer), stop(bareServer)]);

  const best = (xs: Awaited<ReturnType<typeof load>>[]) => ({
    rps: mean(xs.map((x) => x.rps)), p50: percentile(xs.map((x) => x.p50), 50), p99: percentile(xs.map((x) => x.p99), 50), errors: xs.reduce((a, x) => a + x.errors, 0),
    api: mean(xs.map((x) => x.apiCpuMs)), pg: mean(xs.map((x) => x.pgCpuMs)), gen: mean(xs.map((x) => x.genCpuMs)),
  });
  const rows = [];
  const cpuRows = [];
  const latencyRows = [];
  for (const s of scenarios) {
    const a = best(results[s.name].authz);
    const b = best(results[s.name].bare);
    rows.push({
      scenario: s.name, 'authz req/s': a.rps, 'bare req/s': b.rps, 'throughput ratio': a.rps / b.rps, 'authz p50 ms': a.p50, 'authz p99 ms': a.p99,
      'bare p99 ms': b.p99, 'p99 ratio': a.p99 / b.p99, 'SQL/req authz': await statements(real.app, s), 'SQL/req bare': await statements(bare.app, s), errors: a.errors + b.errors,
    });
    const pooled = (xs: PacedResult[]) => {
      const all = xs.flatMap((x) => x.latencies);
      return { rps: mean(xs.map((x) => x.rps)), p50: percentile(all, 50), p99: percentile(all, 99), errors: xs.flatMap((x) => x.errors) };
    };
    const fa = pooled(fixed[s.name].authz);
    const fb = pooled(fixed[s.name].bare);
    latencyRows.push({
      scenario: s.name, 'offered req/s': fixed[s.name].rate, 'authz req/s': fa.rps, 'bare req/s': fb.rps, 'authz p50 ms': fa.p50, 'bare p50 ms': fb.p50,
      'authz p99 ms': fa.p99, 'bare p99 ms': fb.p99, 'p99 ratio': fa.p99 / fb.p99, errors: describeErrors(fa.errors, fb.errors),
    });
    cpuRows.push({
      scenario: s.name, 'API authz': a.api, 'API bare': b.api, 'PostgreSQL authz': a.pg, 'PostgreSQL bare': b.pg, 'load generator authz': a.gen, 'load generator bare': b.gen,
      'all authz': a.api + a.pg + a.gen, 'all bare': b.api + b.pg + b.gen,
    });
  }
  await real.apollo.stop();
  await bare.apollo.stop();

  // Throughput with 1 and 2 worker processes (WEB_CONCURRENCY), authorised server only.
  const workerRows = [];
  for (const workers of process.env.BENCH_ONLY ? [] : [1, 2]) {
    const server = start(path.resolve(__dirname, '../src/main.js'), serverEnv(4803, workers));
    await ready(4803, scenarios[0].token);
    for (const s of scenarios.slice(0, 2)) {
      if (WARMUP > 0) await load(4803, s, undefined, WARMUP);
      const r = await load(4803, s);
      workerRows.push({ workers, scenario: s.name, 'req/s': r.rps, 'p50 ms': r.p50, 'p99 ms': r.p99, errors: r.errors });
    }
    await stop(server);
  }

  printTable(`bench — HTTP, ${data.dossiers} dossiers, ${CONNECTIONS} connections, ${ROUNDS}×${DURATION} s per variant, interleaved`, rows);
  printTable(`latency at a fixed offered load (${LATENCY_LOAD} × the slower variant's throughput, evenly spaced, both variants at once), ${ROUNDS}×${LATENCY_SECONDS} s, p50/p99 over all rounds`, latencyRows);
  printTable('CPU per request (ms, user + system, mean of the rounds)', cpuRows);
  printTable('SQL statements per request by caseload size (must not grow)', [caseloadStatements]);
  if (workerRows.length) printTable('worker processes (WEB_CONCURRENCY), authorised server', workerRows);
  writeJson('http', { dossiers: data.dossiers, connections: CONNECTIONS, seconds: DURATION, rounds: ROUNDS, scenarios: rows, latency: latencyRows, cpu: cpuRows, caseloadStatements, workers: workerRows });
  await db.close();
  process.stdout.write(`bench: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
