import { createHash, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Queryable } from './access-log';
import { AccessLogEventInput, EVENT_FIELDS, eventsMac } from './access-log';
import type { Checkpoint } from './checkpoint';

export interface VerifyReport {
  chains: number;
  batches: number;
  events: number;
  problems: string[];
}

interface Row extends Omit<AccessLogEventInput, 'occurred_at'> {
  id: string;
  occurred_at: Date;
  chain_shard: number;
  chain_seq: string;
  batch_pos: number;
  batch_size: number;
  batch_mac: Buffer;
  prev_hash: Buffer;
  chain_hash: Buffer;
}

const genesis = (org: string, shard: number) => createHash('sha256').update(`kluis-access-log-genesis:${org}:${shard}`).digest();
const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

function asInput(r: Row): AccessLogEventInput {
  const e = Object.fromEntries(EVENT_FIELDS.map((f) => [f, (r as unknown as Record<string, unknown>)[f]])) as unknown as AccessLogEventInput;
  e.occurred_at = r.occurred_at.toISOString();
  return e;
}

/**
 * Checks the whole access log against its HMACs and chains (SPEC §6, `npm run audit:verify`):
 * - an edited event no longer matches its batch's HMAC;
 * - a removed event leaves its batch short (positions, size, HMAC), a removed batch leaves a gap
 *   in the chain, removed newest batches leave the chain short of its head;
 * - an inserted event cannot carry a valid HMAC without the key, and breaks its batch or chain.
 * - with checkpoints (`audit:checkpoint`, kept outside the database): a checkpointed batch that
 *   is gone or different — newest batches removed and the head set back by a superuser.
 * Give it a DataSource, or one connection (QueryRunner, pg client): the pass runs in one
 * read-only transaction.
 */
export async function verifyAccessLog(source: Queryable | DataSource, key: Buffer, pageSize = 5000, checkpoints: readonly Checkpoint[] = []): Promise<VerifyReport> {
  if ('createQueryRunner' in source) {
    const runner = source.createQueryRunner();
    try {
      return await verifyAccessLog(runner, key, pageSize, checkpoints);
    } finally {
      await runner.release();
    }
  }
  const db = source;
  const report: VerifyReport = { chains: 0, batches: 0, events: 0, problems: [] };
  const problem = (msg: string) => report.problems.length < 1000 && report.problems.push(msg);
  // Every checkpointed head must still be in the log, with the same chain hash.
  const pinned = new Map<string, { head: string; at: string }>();
  for (const c of checkpoints) for (const h of c.heads) pinned.set(`chain ${h.organisation}/${h.shard}|${h.seq}`, { head: h.head, at: c.at });
  // Chain heads and events from one snapshot: a request that appends while this runs is not a
  // removed batch (reading the heads first and the events later reported live servers as tampered).
  await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let heads: { organisation_id: string; shard: number; seq: string; head: Buffer }[];
  try {
    heads = (await db.query('SELECT organisation_id, shard, seq::text AS seq, head FROM access_log_chain ORDER BY organisation_id, shard')) as typeof heads;
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }

  const byChain = new Map(heads.map((h) => [`chain ${h.organisation_id}/${h.shard}`, h]));
  type ChainState = { where: string; head: (typeof heads)[number]; expectedSeq: bigint; prev: Buffer; batch: Row[] };
  let current = null as ChainState | null;

  const closeBatch = () => {
    if (!current?.batch.length) return;
    const { where, batch } = current;
    const first = batch[0];
    const seq = BigInt(first.chain_seq);
    report.batches += 1;
    if (seq !== current.expectedSeq) problem(`${where}: batches ${current.expectedSeq}..${seq - 1n} are missing (removed)`);
    const positionsOk = batch.length === first.batch_size && batch.every((r, i) => r.batch_pos === i && r.batch_size === first.batch_size);
    if (!positionsOk) problem(`${where} batch ${seq}: ${batch.length} of ${first.batch_size} events present or out of place (removed or inserted)`);
    if (batch.some((r) => !same(r.batch_mac, first.batch_mac) || !same(r.prev_hash, first.prev_hash) || !same(r.chain_hash, first.chain_hash))) {
      problem(`${where} batch ${seq}: chain columns differ between its events (edited or inserted)`);
    }
    if (!same(eventsMac(key, batch.map(asInput)), first.batch_mac)) problem(`${where} batch ${seq}: HMAC does not match its events (edited, removed or inserted event)`);
    if (seq === current.expectedSeq && !same(first.prev_hash, current.prev)) problem(`${where} batch ${seq}: does not follow the previous batch`);
    if (!same(createHash('sha256').update(Buffer.concat([first.prev_hash, first.batch_mac])).digest(), first.chain_hash)) problem(`${where} batch ${seq}: chain hash is wrong (edited)`);
    const pin = pinned.get(`${where}|${seq}`);
    if (pin) {
      pinned.delete(`${where}|${seq}`);
      if (first.chain_hash.toString('hex') !== pin.head) problem(`${where} batch ${seq}: differs from the checkpoint of ${pin.at} (replaced)`);
    }
    current.prev = first.chain_hash;
    current.expectedSeq = seq + 1n;
    current.batch = [];
  };
  const closeChain = () => {
    if (!current) return;
    closeBatch();
    const { where, head, expectedSeq, prev } = current;
    if (expectedSeq - 1n !== BigInt(head.seq)) problem(`${where}: ends at batch ${expectedSeq - 1n} but its head says ${head.seq} (newest batches removed)`);
    else if (!same(prev, head.head)) problem(`${where}: last batch does not match the chain head`);
    byChain.delete(where);
    current = null;
  };

  try {
    // The view pairs a batch's arrays element by element; arrays of unequal length (the table's
    // CHECK dropped, then a row edited) would be padded with NULLs there, so they are looked for on their own.
    const uneven = (await db.query(`SELECT organisation_id, chain_shard, chain_seq::text AS seq FROM access_log_batch
      WHERE cardinality(dossier_ids) <> cardinality(event_ids) OR cardinality(subject_ids) <> cardinality(event_ids) OR cardinality(event_shapes) <> cardinality(event_ids)
      ORDER BY 1, 2, 3`)) as { organisation_id: string; chain_shard: number; seq: string }[];
    for (const u of uneven) problem(`chain ${u.organisation_id}/${u.chain_shard} batch ${u.seq}: its event arrays differ in length (altered)`);
    // One ordered pass over the whole log through a server-side cursor: constant memory, no
    // index needed (the log carries only the indexes its readers need).
    await db.query(`DECLARE kluis_verify NO SCROLL CURSOR FOR
      SELECT e.*, e.chain_seq::text AS chain_seq_text FROM access_log_event e ORDER BY e.organisation_id, e.chain_shard, e.chain_seq, e.batch_pos`);
    for (;;) {
      const rows = (await db.query(`FETCH ${pageSize} FROM kluis_verify`)) as Row[];
      for (const r of rows) {
        // bigint as text: chain positions may outgrow JavaScript numbers.
        r.chain_seq = (r as unknown as { chain_seq_text: string }).chain_seq_text;
        const where = `chain ${r.organisation_id}/${r.chain_shard}`;
        if ((current as ChainState | null)?.where !== where) {
          closeChain();
          const head = byChain.get(where);
          if (!head) {
            problem(`events of ${where} belong to no chain (inserted)`);
            continue;
          }
          report.chains += 1;
          current = { where, head, expectedSeq: 1n, prev: genesis(r.organisation_id, r.chain_shard), batch: [] };
        }
        report.events += 1;
        current = current as ChainState;
        if (current.batch.length && current.batch[0].chain_seq !== r.chain_seq) closeBatch();
        current.batch.push(r);
      }
      if (rows.length < pageSize) break;
    }
    closeChain();
  } finally {
    await db.query('ROLLBACK');
  }
  // Chains whose every event is gone.
  for (const [where, head] of byChain) {
    report.chains += 1;
    if (BigInt(head.seq) > 0n) problem(`${where}: all ${head.seq} batches are missing (removed)`);
  }
  for (const [k, pin] of pinned) {
    const [where, seq] = k.split('|');
    problem(`${where} batch ${seq}: in the checkpoint of ${pin.at} but no longer in the log (newest batches removed, head set back)`);
  }
  return report;
}
