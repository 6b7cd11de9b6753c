/**
 * `npm run audit:verify`: checks every access-log event against its batch HMAC and its chain,
 * and — when the checkpoint file (AUDIT_CHECKPOINT_FILE, see audit:checkpoint) exists — that
 * every checkpointed chain head is still there. Reports each changed, removed or inserted event;
 * exits 1 when anything is wrong. Needs the same AUDIT_HMAC_KEY as the server (development: the
 * key under .data/).
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadAuditKey } from '../src/audit/audit-key';
import { readCheckpoints } from '../src/audit/checkpoint';
import { verifyAccessLog } from '../src/audit/verify';
import { loadConfig } from '../src/config';
import { openScriptDatabase } from '../src/db/script-database';

async function main(): Promise<number> {
  const config = loadConfig();
  const key = loadAuditKey(process.env, config.dataDir, config.env === 'production');
  const file = path.resolve(process.env.AUDIT_CHECKPOINT_FILE ?? path.join(config.dataDir, 'audit-checkpoints.jsonl'));
  const pinned = existsSync(file) ? readCheckpoints(readFileSync(file, 'utf8'), key) : { checkpoints: [], problems: [] };
  const db = await openScriptDatabase(config);
  try {
    const started = Date.now();
    const report = await verifyAccessLog(db.ds, key, undefined, pinned.checkpoints);
    report.problems.unshift(...pinned.problems);
    process.stdout.write(`access log: ${report.events} events in ${report.batches} batches on ${report.chains} chains, checked in ${Date.now() - started} ms\n`);
    process.stdout.write(existsSync(file) ? `checkpoints: ${pinned.checkpoints.length} from ${file}\n` : `checkpoints: none (${file} does not exist; see npm run audit:checkpoint)\n`);
    for (const p of report.problems) process.stdout.write(`PROBLEM ${p}\n`);
    process.stdout.write(report.problems.length ? `${report.problems.length} problem(s): the log was tampered with or damaged\n` : 'intact\n');
    return report.problems.length ? 1 : 0;
  } finally {
    await db.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
