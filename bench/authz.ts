/**
 * `npm run bench:authz`: the graphql-level cost of authorisation (and of the access-log write).
 * Executes the same list query — N dossiers × ~30 fields — against the bare declared schema and
 * against the authorised schema (shield operation rules + field guard + relationship queries),
 * interleaved in one run, on real PostgreSQL data. Reports medians and ratios (no timed tests).
 */
import 'reflect-metadata';
import { openBenchDatabase } from './bench-db';
import { caseloadRunner, FIELDS_PER_DOSSIER, VARIANTS } from './caseload';
import { median, printTable, writeJson } from './report';
import { seedBench } from './seed';

const SIZES = [20, 200, 2000];

async function main(): Promise<void> {
  const db = await openBenchDatabase();
  await seedBench(db.ds, Number(process.env.BENCH_DOSSIERS ?? 10_000));
  const run = await caseloadRunner(db.ds);

  const rows = [];
  for (const n of SIZES) {
    const iterations = n >= 2000 ? 15 : n >= 200 ? 40 : 150;
    for (let i = 0; i < 3; i += 1) for (const v of VARIANTS) await run(v, n);
    const samples: Record<string, { ms: number[]; logMs: number[]; buildMs: number[]; statements: number }> = {};
    for (let i = 0; i < iterations; i += 1) {
      // Interleaved, rotating the order, so drift in the machine affects every variant alike.
      const order = VARIANTS.map((_, k, a) => a[(i + k) % a.length]);
      for (const v of order) {
        const r = await run(v, n);
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
      dossiers: n, fieldsPerDossier: FIELDS_PER_DOSSIER, iterations, bareMs: b, authzMs: a, authzRatio: a / b, authzLogMs: l, authzLogRatio: l / b,
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
