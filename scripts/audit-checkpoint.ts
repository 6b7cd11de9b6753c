/**
 * `npm run audit:checkpoint`: appends the current head of every access-log chain, HMAC'd with
 * the audit key, to a file outside the database (AUDIT_CHECKPOINT_FILE, development default
 * `.data/audit-checkpoints.jsonl`). Run it often (e.g. every minute) and ship the file to storage
 * the database's administrators cannot change; `npm run audit:verify` checks the log against it.
 */
import 'reflect-metadata';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadAuditKey } from '../src/audit/audit-key';
import { takeCheckpoint } from '../src/audit/checkpoint';
import { loadConfig } from '../src/config';
import { openScriptDatabase } from '../src/db/script-database';

async function main(): Promise<void> {
  const config = loadConfig();
  const key = loadAuditKey(process.env, config.dataDir, config.env === 'production');
  const file = path.resolve(process.env.AUDIT_CHECKPOINT_FILE ?? path.join(config.dataDir, 'audit-checkpoints.jsonl'));
  const db = await openScriptDatabase(config);
  try {
    const checkpoint = await takeCheckpoint(db.ds, key);
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(checkpoint)}\n`);
    process.stdout.write(`checkpoint of ${checkpoint.heads.length} chain heads at ${checkpoint.at} appended to ${file}\n`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
