/**
 * `npm run bench:log`: "who accessed dossier X in the last year" on a log of 10 million events
 * (SPEC §6, issue goal < 50 ms). Generates the events in SQL into a database of its own
 * (`kluis_logbench`), spread over 13 monthly partitions and 100,000 dossiers, then times the
 * client's and the privacy officer's lookups for random dossiers. Reproducible: ids derive from
 * row numbers. BENCH_LOG_EVENTS sets the size.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { createDataSource } from '../src/db/data-source';
import { installPgTypeParsers } from '../src/db/pg-types';
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
  const ds = createDataSource({ url: url.toString(), poolSize: 4 });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });

  const [{ n }] = await ds.query('SELECT count(*)::bigint AS n FROM access_log_event');
  if (Number(n) !== events) {
    const started = Date.now();
    await ds.query('TRUNCATE access_log_event');
    // Thirteen months back: real partitions, as a server running for a year would have.
    for (let m = 13; m >= 1; m -= 1) {
      await ds.query(`DO $$ DECLARE s date := date_trunc('month', now() - interval '${m} months')::date; BEGIN
        IF to_regclass('access_log_event_' || to_char(s, 'YYYY_MM')) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF access_log_event FOR VALUES FROM (%L) TO (%L)', 'access_log_event_' || to_char(s, 'YYYY_MM'), s, (s + interval '1 month')::date);
        END IF; END $$`);
    }
    const chunk = 200_000;
    for (let from = 0; from < events; from += chunk) {
      // Chain columns hold filler: this measures lookups, not verification.
      await ds.query(`INSERT INTO access_log_event (organisation_id, occurred_at, actor_sub, actor_role, relationship, action, dossier_id,
          subject_person_id, granted_fields, denied_fields, pseudonymised_fields, outcome, check_authorisation, check_care_relationship,
          check_consent, check_emergency, purpose, request_id, chain_shard, chain_seq, batch_pos, batch_size, batch_mac, prev_hash, chain_hash)
        SELECT $1, now() - (i % 395) * interval '1 day' - (i % 86400) * interval '1 second', 'staff-' || (i % 500), 'care_worker', 'care_worker',
          'READ', md5('d' || (i % $2::int))::uuid, md5('p' || (i % $2::int))::uuid, ARRAY['Person.firstName','Person.lastName','Entry.text'],
          '{}', '{}', 'GRANTED', true, true, false, false, 'TREAT', 'r' || i, i % 16, i, 0, 1, '\\x00', '\\x00', '\\x00'
        FROM generate_series($3::bigint, $4::bigint) i`, [ORG, dossiers, from, Math.min(events, from + chunk) - 1]);
      process.stdout.write(`  ${Math.min(events, from + chunk)} events\n`);
    }
    await ds.query('ANALYZE access_log_event');
    process.stdout.write(`generated ${events} events in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }

  const time = async (sql: string, params: unknown[]) => {
    const t = process.hrtime.bigint();
    const rows = await ds.query(sql, params);
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, rows: rows.length };
  };
  const lookups = {
    'client: who accessed my dossier in the last year (newest 50)': `SELECT occurred_at, actor_role, relationship, action, granted_fields, purpose FROM access_log_event
       WHERE organisation_id = $2 AND dossier_id = $1 AND occurred_at >= now() - interval '1 year' ORDER BY occurred_at DESC, id DESC LIMIT 50`,
    'privacy officer: every access to dossier X in the last year': `SELECT * FROM access_log_event
       WHERE organisation_id = $2 AND dossier_id = $1 AND occurred_at >= now() - interval '1 year' ORDER BY occurred_at DESC`,
  };
  const rows = [];
  for (const [name, sql] of Object.entries(lookups)) {
    const ms: number[] = [];
    let found = 0;
    for (let k = 0; k < 200; k += 1) {
      const [{ id }] = await ds.query(`SELECT md5('d' || $1::int)::uuid AS id`, [Math.floor(Math.random() * dossiers)]);
      const r = await time(sql, [id, ORG]);
      if (k >= 20) ms.push(r.ms);
      found = r.rows;
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
