/**
 * Runs the caseload query `iterations` times in one process, for `bench:instructions`, which
 * starts it under callgrind: `node … instructions-worker.js <variant> <dossiers> <iterations>`,
 * with the benchmark database in BENCH_INSTRUCTIONS_URL.
 */
import 'reflect-metadata';
import { createDataSource } from '../src/db/data-source';
import { installPgTypeParsers } from '../src/db/pg-types';
import { caseloadRunner, Variant, VARIANTS } from './caseload';

async function main(): Promise<void> {
  const [variant, n, iterations] = [process.argv[2] as Variant, Number(process.argv[3]), Number(process.argv[4])];
  if (!VARIANTS.includes(variant) || !(n > 0) || !(iterations >= 0)) throw new Error('usage: instructions-worker <variant> <dossiers> <iterations>');
  installPgTypeParsers();
  // Under callgrind everything runs ~50× slower: a list of 2,000 dossiers queues its statements
  // for the pool longer than the server's 5 s connect timeout, so the timeouts are lifted here.
  const slow = 10 * 60_000;
  const ds = createDataSource({
    url: process.env.BENCH_INSTRUCTIONS_URL!, poolSize: 4, connectTimeoutMillis: slow, statementTimeoutMillis: slow, queryTimeoutMillis: slow,
  });
  await ds.initialize();
  const run = await caseloadRunner(ds);
  for (let i = 0; i < iterations; i += 1) await run(variant, n);
  await ds.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
