import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The key that makes the access log tamper-evident: each request's batch of events carries an
 * HMAC under it. It lives outside the database, so someone who can write the database (a DBA,
 * a stolen database credential) still cannot forge or silently edit events.
 *
 * Production: `AUDIT_HMAC_KEY` (base64, at least 32 bytes). Development: a key generated once
 * under `<dataDir>/audit-hmac.key`.
 */
export function loadAuditKey(env: NodeJS.ProcessEnv, dataDir: string, production: boolean): Buffer {
  if (env.AUDIT_HMAC_KEY) {
    const key = Buffer.from(env.AUDIT_HMAC_KEY, 'base64');
    if (key.length < 32) throw new Error('AUDIT_HMAC_KEY must be at least 32 bytes (base64)');
    return key;
  }
  if (production) throw new Error('NODE_ENV=production requires AUDIT_HMAC_KEY');
  const file = path.join(dataDir, 'audit-hmac.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
