import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Queryable } from './access-log';

/** One chain's head at the moment of a checkpoint. */
export interface CheckpointHead {
  organisation: string;
  shard: number;
  /** Batch number of the head (bigint as text). */
  seq: string;
  /** sha256 chain hash of that batch, hex. */
  head: string;
}

/** The chain heads at one moment, HMAC'd with the audit key, kept outside the database. */
export interface Checkpoint {
  at: string;
  heads: CheckpointHead[];
  mac: string;
}

const macOf = (key: Buffer, at: string, heads: CheckpointHead[]) => createHmac('sha256', key).update(JSON.stringify(['kluis-audit-checkpoint', at, heads])).digest('hex');

/**
 * Reads every chain head in one snapshot and signs them with the audit key (SPEC §6).
 *
 * Why: the chains make every change *inside* the log visible, but someone with superuser
 * rights on the database could delete a chain's newest batches and set its head back
 * consistently. A checkpoint stored outside the database (another system, WORM storage) pins
 * each head; `audit:verify` then reports any checkpointed batch that is no longer there.
 */
export async function takeCheckpoint(db: Queryable, key: Buffer, now = new Date()): Promise<Checkpoint> {
  const rows = (await db.query(
    `SELECT organisation_id::text AS organisation, shard, seq::text AS seq, encode(head, 'hex') AS head FROM access_log_chain WHERE seq > 0 ORDER BY organisation_id, shard`,
  )) as CheckpointHead[];
  const at = now.toISOString();
  const heads = rows.map((r) => ({ organisation: r.organisation, shard: Number(r.shard), seq: r.seq, head: r.head }));
  return { at, heads, mac: macOf(key, at, heads) };
}

/**
 * Parses a checkpoint file (one JSON checkpoint per line) and checks each line's HMAC: a line
 * that was edited, or written without the key, is reported and not used.
 */
export function readCheckpoints(text: string, key: Buffer): { checkpoints: Checkpoint[]; problems: string[] } {
  const checkpoints: Checkpoint[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let c: Checkpoint;
    try {
      c = JSON.parse(line) as Checkpoint;
    } catch {
      problems.push(`checkpoint line ${i + 1}: not JSON`);
      return;
    }
    const expected = Buffer.from(macOf(key, String(c.at), Array.isArray(c.heads) ? c.heads : []), 'hex');
    const given = Buffer.from(typeof c.mac === 'string' ? c.mac : '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      problems.push(`checkpoint line ${i + 1} (${String(c.at)}): HMAC does not match (edited, or not written with this key)`);
      return;
    }
    checkpoints.push(c);
  });
  return { checkpoints, problems };
}
