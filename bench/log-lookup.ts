/**
 * `npm run bench:log`: "who accessed dossier X in the last year" on a log of 10 million events
 * (SPEC §6, issue goal < 50 ms). Generates the events in SQL into a database of its own
 * (`kluis_logbench`), spread over 13 monthly partitions and 100,000 dossiers, in requests of ten events, then times the
 * client's and the privacy officer's lookups for random dossiers. Reproducible: ids derive from
 * row numbers. BENCH_LOG_EVENTS sets the size.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { createDataSource } from '../src/db/data-source';
import { installPgTypeParsers } from '../src/db/pg-types';
import { newestEventsSql, OF_DOSSIER } from '../src/services/access-log.sql';
import { createLoaders, pageKey } from '../src/services/loaders';
import { median, percentile, printTable, writeJson } from './report';

const ORG = 'b0000000-0000-4000-8000-0000000000aa';

async function main(): Promise<void> {
  installPgTypeParsers();
  const events = Number(process.env.BENCH_LOG_EVENTS ?? 10_000_000);
  const dossiers = Math.max(1000, Math.round(events / 100));
  const server = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!server) throw new Error('bench:log needs DATABASE_URL (a PostgreSQL server to create kluis_logbench on)');
  const admin = new Client({ connectionString: server });
  await admin.connect();
  if (!(await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'kluis_logbench'`)).rowCount) await admin.query('CREATE DATABASE kluis_logbench');
  await admin.end();
  const url = new URL(server);
  url.pathname = '/kluis_logbench';
  // Generating 10 million events and ANALYZE outlast the server's 15 s statement timeout.
  const ds = createDataSource({ url: url.toString(), poolSize: 4, statementTimeoutMillis: 600_000 });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });

  const [{ n }] = await ds.query('SELECT coalesce(sum(cardinality(event_ids)), 0)::bigint AS n FROM access_log_batch');
  if (Number(n) !== events) {
    const started = Date.now();
    await ds.query('TRUNCATE access_log_batch');
    // Thirteen months back: real partitions, as a server running for a year would have.
    await ds.query(`SELECT kluis_access_log_partitions_between((now() - interval '13 months')::date, now()::date)`);
    // Requests of ten events each (a batch row holding ten events, as the application writes
    // them), spread over 395 days from one fixed base time.
    const perBatch = 10;
    const at = (b: string) => `$2::timestamptz - (${b} % 395) * interval '1 day' - (${b} % 86400) * interval '1 second'`;
    const base = new Date().toISOString();
    const chunk = 200_000;
    for (let from = 0; from < events; from += chunk) {
      const to = Math.min(events, from + chunk) - 1;
      // Event i of batch b = i / perBatch: its id, dossier and subject derive from i.
      const ofEvents = (expr: string) => `ARRAY(SELECT ${expr} FROM generate_series(b * ${perBatch}, b * ${perBatch} + ${perBatch - 1}) i)`;
      // Chain columns hold filler: this measures lookups, not verification.
      await ds.query(`INSERT INTO access_log_batch (organisation_id, occurred_at, chain_shard, chain_seq, actor_sub, actor_role, request_id,
          batch_size, batch_mac, prev_hash, chain_hash, shape_action, shape_relationship, shape_granted, shape_denied, shape_pseudonymised,
          shape_outcome, shape_authorisation, shape_care_relationship, shape_consent, shape_emergency, shape_purpose, shape_legal_basis,
          event_ids, dossier_ids, subject_ids, event_shapes)
        SELECT $1, ${at('b')}, b % 16, b, 'staff-' || (b % 500), 'care_worker', 'r' || b, ${perBatch}, '\\x00', '\\x00', '\\x00',
          '{READ}', '{care_worker}', '{"Person.firstName,Person.lastName,Entry.text"}', '{""}', '{""}', '{GRANTED}', '{t}', '{t}', '{f}', '{f}',
          '{TREAT}', '{NULL}', ${ofEvents(`md5('e' || i)::uuid`)}, ${ofEvents(`md5('d' || (i % $5::int))::uuid`)}, ${ofEvents(`md5('p' || (i % $5::int))::uuid`)},
          array_fill(1, ARRAY[${perBatch}])
        FROM generate_series($3::bigint, $4::bigint) b`, [ORG, base, from / perBatch, Math.floor(to / perBatch), dossiers]);
      process.stdout.write(`  ${to + 1} events\n`);
    }
    // What autovacuum does to a log of a year: the GIN indexes' pending lists merged (only the
    // current month's, at most gin_pending_list_limit, waits unmerged), statistics taken.
    await ds.query('VACUUM ANALYZE access_log_batch');
    process.stdout.write(`generated ${events} events in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }

  // The application's own statements: the loader behind `dossier { accessLog }` and the privacy officer's search form.
  const lookups: Record<string, (id: string) => Promise<number>> = {
    'client: who accessed my dossier (newest 50, accessLog loader)': async (id) =>
      (await createLoaders(ds.manager, ORG).accessLogByDossier.load(pageKey(id, { first: 50 }))).rows.length,
    'privacy officer: every access to dossier X in the last year': async (id) =>
      (await ds.query(newestEventsSql(`t.organisation_id = $2 AND ${OF_DOSSIER('$1')} AND t.occurred_at >= now() - interval '1 year'`), [id, ORG])).length,
  };
  const rows = [];
  for (const [name, lookup] of Object.entries(lookups)) {
    const ms: number[] = [];
    let found = 0;
    for (let k = 0; k < 200; k += 1) {
      const [{ id }] = await ds.query(`SELECT md5('d' || $1::int)::uuid AS id`, [Math.floor(Math.random() * dossiers)]);
      const t = process.hrtime.bigint();
      found = await lookup(id);
      if (k >= 20) ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    rows.push({ lookup: name, events, dossiers, rowsReturned: found, medianMs: median(ms), p99Ms: percentile(ms, 99) });
  }
  printTable('bench:log — access-log lookups (ms, 180 random dossiers each, after 20 warm-up)', rows);
  writeJson('log-lookup', rows);
  await ds.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
