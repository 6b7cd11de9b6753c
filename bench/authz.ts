/**
 * `npm run bench:authz`: the graphql-level cost of authorisation (and of the access-log write).
 * Executes the same list query — N dossiers × ~30 fields — against the bare declared schema and
 * against the authorised schema (shield operation rules + field guard + relationship queries),
 * interleaved in one run, on real PostgreSQL data. Reports medians and ratios (no timed tests).
 */
import 'reflect-metadata';
import { execute, parse } from 'graphql';
import pino from 'pino';
import { appendBatch, batchFrom } from '../src/audit/access-log';
import type { AuthenticatedViewer } from '../src/auth/viewer';
import { createContext } from '../src/context';
import { statementCount } from '../src/db/data-source';
import { StaffRole } from '../src/entities/enums';
import { buildDeclaredSchema, buildKluisSchema } from '../src/schema/build-schema';
import { encodeCursor } from '../src/services/pagination';
import { bareContext } from './bare';
import { openBenchDatabase } from './bench-db';
import { BENCH_ORG, careWorker, seedBench } from './seed';
import { median, printTable, writeJson } from './report';

const SIZES = [20, 200, 2000];
const FIELDS = `id version status type openedOn closedOn legalHold verwijsindexSignalOn
  subject { id firstName lastName dateOfBirth gender nationality street postalCode city phone email bsn idDocumentType }
  family { edges { node { relation hasCustody person { firstName lastName } } } }`;

async function main(): Promise<void> {
  const db = await openBenchDatabase();
  await seedBench(db.ds, Number(process.env.BENCH_DOSSIERS ?? 10_000));
  const ordered: { id: string; created_at: Date }[] = await db.ds.query('SELECT id, created_at FROM dossier WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC', [BENCH_ORG]);
  // Lists are capped at 100 per page, so N dossiers are N/100 aliased pages of one query.
  const queryFor = (n: number) => {
    const pages = [];
    for (let start = 0; start < n; start += 100) {
      const after = start === 0 ? '' : `, after: "${encodeCursor([ordered[start - 1].created_at.toISOString(), ordered[start - 1].id])}"`;
      pages.push(`p${start}: dossiers(first: ${Math.min(100, n - start)}${after}) { edges { node { ${FIELDS} } } }`);
    }
    return parse(`{ ${pages.join('\n')} }`);
  };
  const bare = buildDeclaredSchema();
  const authorised = buildKluisSchema();
  // A care worker whose caseload is exactly the N dossiers listed: bare and authorised return the same rows.
  const viewerFor = (n: number): AuthenticatedViewer => ({ kind: 'staff', sub: careWorker(n), organisationId: BENCH_ORG, role: StaffRole.CARE_WORKER, clientApp: null });
  const log = pino({ level: 'silent' });
  const key = Buffer.alloc(32, 1);
  let seq = 0;

  const run = async (variant: 'bare' | 'authz' | 'authz+log', document: ReturnType<typeof parse>, n: number) => {
    const viewer = viewerFor(n);
    const requestId = `bench-${(seq += 1)}`;
    const before = statementCount(db.ds);
    const started = process.hrtime.bigint();
    const ctx = variant === 'bare' ? bareContext(db.ds, viewer, requestId) : createContext(db.ds, viewer, { requestId, operationName: 'bench', sourceAddress: null }, log, key);
    const result = await execute({ schema: variant === 'bare' ? bare : authorised, document, contextValue: ctx });
    if (result.errors?.length) throw new Error(`${variant}: ${result.errors[0].message}`);
    const listed = Object.values(result.data ?? {}).reduce((k: number, c) => k + (c as { edges: unknown[] }).edges.length, 0);
    // Both variants must return the same N dossiers, or the comparison means nothing.
    if (listed !== n) throw new Error(`${variant}: listed ${listed} dossiers, expected ${n}`);
    let logMs = 0;
    let buildMs = 0;
    if (variant === 'authz+log') {
      const t = process.hrtime.bigint();
      const batch = batchFrom(ctx.access.decisions.values(), viewer, ctx.audit.meta)!;
      buildMs = Number(process.hrtime.bigint() - t) / 1e6;
      await appendBatch(db.ds, key, batch);
      logMs = Number(process.hrtime.bigint() - t) / 1e6;
    }
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, logMs, buildMs, statements: statementCount(db.ds) - before };
  };

  const rows = [];
  for (const n of SIZES) {
    const doc = queryFor(n);
    const iterations = n >= 2000 ? 15 : n >= 200 ? 40 : 150;
    for (let i = 0; i < 3; i += 1) for (const v of ['bare', 'authz', 'authz+log'] as const) await run(v, doc, n);
    const samples: Record<string, { ms: number[]; logMs: number[]; buildMs: number[]; statements: number }> = {};
    for (let i = 0; i < iterations; i += 1) {
      // Interleaved, rotating the order, so drift in the machine affects every variant alike.
      const order = (['bare', 'authz', 'authz+log'] as const).map((_, k, a) => a[(i + k) % a.length]);
      for (const v of order) {
        const r = await run(v, doc, n);
        samples[v] ??= { ms: [], logMs: [], buildMs: [], statements: r.statements };
        samples[v].ms.push(r.ms);
        samples[v].logMs.push(r.logMs);
        samples[v].buildMs.push(r.buildMs);
      }
    }
    const b = median(samples.bare.ms);
    const a = median(samples.authz.ms);
    const l = median(samples['authz+log'].ms);
    rows.push({
      dossiers: n, fieldsPerDossier: 30, iterations, bareMs: b, authzMs: a, authzRatio: a / b, authzLogMs: l, authzLogRatio: l / b,
      // The log write as the request pays it: the batch built from the decisions, then appended (HMAC, one statement, commit).
      logWriteMs: median(samples['authz+log'].logMs), logBuildMs: median(samples['authz+log'].buildMs), statementsBare: samples.bare.statements, statementsAuthz: samples.authz.statements,
      statementsAuthzLog: samples['authz+log'].statements,
    });
  }
  const base = rows[0].authzRatio;
  for (const r of rows) (r as Record<string, unknown>).ratioVs20 = r.authzRatio / base;
  printTable('bench:authz — graphql execute, care worker list, medians (ms)', rows);
  writeJson('authz', rows);
  await db.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
