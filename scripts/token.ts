/**
 * Prints a development token. `npm run token -- --role care_worker` mints one for the demo user
 * of that role; --sub, --person, --org, --scope, --client-id and --ttl override.
 * Roles: the staff roles, `client`, the demo clients (parent, child_12_15, youth_16_plus) and
 * `partner` (with --scope verwijsindex|municipality|consented).
 */
import { parseArgs } from 'node:util';
import { loadOrCreateDevKey } from '../src/auth/dev-keys';
import { mintToken } from '../src/auth/mint-token';
import { loadConfig } from '../src/config';
import { demoClaims, demoRoles } from '../src/demo/demo-tokens';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' }, sub: { type: 'string' }, person: { type: 'string' }, org: { type: 'string' },
      scope: { type: 'string' }, 'client-id': { type: 'string' }, ttl: { type: 'string' }, 'no-mfa': { type: 'boolean' },
    },
  });
  const config = loadConfig();
  if (config.env === 'production') throw new Error('development tokens are not available in production');
  const role = values.role;
  if (!role) throw new Error(`--role is required: ${demoRoles().join(', ')}`);
  const claims = demoClaims(role, { sub: values.sub, person: values.person, org: values.org, scope: values.scope, clientId: values['client-id'], noMfa: values['no-mfa'] });
  const key = await loadOrCreateDevKey(config.dataDir);
  process.stdout.write(`${await mintToken(key, claims, { issuer: config.jwt.issuer, audience: config.jwt.audience, ttl: Number(values.ttl ?? 8 * 3600) })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
