/**
 * `npm run bench:instructions`: the cost of authorisation as *instructions* executed by the API
 * process per request, counted by valgrind's callgrind — repeatable to about 2 % whatever else
 * the machine is doing, unlike the wall time of `bench:authz` on a shared machine.
 *
 * For each variant and list size, the caseload query runs in a worker (instructions-worker.ts)
 * under callgrind twice: `warm` times, and `warm + measured` times. The difference divided by
 * `measured` is the count per request, with start-up and JIT warm-up cancelled out. V8 runs with
 * `--predictable --single-threaded` and fixed seeds, so the same run executes the same
 * instructions. What this does not count: PostgreSQL's work (the relationship rows are joined
 * in SQL) and time spent waiting — that is what `bench:authz` and `bench` measure.
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openBenchDatabase } from './bench-db';
import type { Variant } from './caseload';
import { printTable, writeJson } from './report';
import { seedBench } from './seed';

const run = promisify(execFile);
const V8_FLAGS = ['--predictable', '--single-threaded', '--hash-seed=1', '--random-seed=1'];
/** Per list size: warm-up requests, then measured requests (more for small lists, whose count per request is small). */
const PLAN: Record<number, { warm: number; measured: number }> = { 20: { warm: 10, measured: 10 }, 200: { warm: 3, measured: 4 }, 2000: { warm: 1, measured: 1 } };

/** Instructions callgrind counted for one worker run. */
async function instructions(url: string, dir: string, variant: Variant, n: number, iterations: number): Promise<number> {
  const { stderr } = await run(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${path.join(dir, `${variant}-${n}-${iterations}.out`)}`, process.execPath, ...V8_FLAGS,
      path.resolve(__dirname, 'instructions-worker.js'), variant, String(n), String(iterations)],
    { env: { ...process.env, BENCH_INSTRUCTIONS_URL: url }, maxBuffer: 16 * 1024 * 1024 },
  );
  const m = /Collected : (\d+)/.exec(stderr);
  if (!m) throw new Error(`callgrind printed no count for ${variant} ${n}×${iterations}:\n${stderr.slice(-2000)}`);
  return Number(m[1]);
}

/** Runs the jobs two at a time (the machine has two cores; callgrind runs one thread each). */
async function twoAtATime<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all([lane(), lane()]);
  return results;
}

async function main(): Promise<void> {
  try {
    await run('valgrind', ['--version']);
  } catch {
    throw new Error('bench:instructions needs valgrind (Debian: apt-get install valgrind)');
  }
  const sizes = (process.env.BENCH_INSTRUCTION_SIZES ?? '20,200').split(',').map(Number);
  const db = await openBenchDatabase();
  await seedBench(db.ds, Number(process.env.BENCH_DOSSIERS ?? 10_000));
  const dir = mkdtempSync(path.join(tmpdir(), 'kluis-callgrind-'));
  const started = Date.now();
  try {
    const combos = sizes.flatMap((n) => (['bare', 'authz', 'authz+log'] as const).map((variant) => ({ n, variant, ...PLAN[n] })));
    const counts = await twoAtATime(combos.flatMap((c) => [
      () => instructions(db.url, dir, c.variant, c.n, c.warm),
      () => instructions(db.url, dir, c.variant, c.n, c.warm + c.measured),
    ]));
    const perRequest = new Map(combos.map((c, i) => [`${c.variant} ${c.n}`, (counts[2 * i + 1] - counts[2 * i]) / c.measured]));
    const rows = sizes.map((n) => {
      const bare = perRequest.get(`bare ${n}`)!;
      const authz = perRequest.get(`authz ${n}`)!;
      const log = perRequest.get(`authz+log ${n}`)!;
      return {
        dossiers: n, measured: PLAN[n].measured, bareMInstrPerRequest: bare / 1e6, authzMInstrPerRequest: authz / 1e6, authzRatio: authz / bare,
        authzLogMInstrPerRequest: log / 1e6, authzLogRatio: log / bare, bareKInstrPerDossier: bare / n / 1e3, authzKInstrPerDossier: authz / n / 1e3,
      };
    });
    for (const r of rows) (r as Record<string, unknown>).ratioVsFirst = r.authzRatio / rows[0].authzRatio;
    printTable('bench:instructions — API instructions per request (callgrind), care worker list', rows);
    writeJson('instructions', rows);
    process.stdout.write(`bench:instructions: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
