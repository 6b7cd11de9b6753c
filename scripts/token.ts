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
import { DEMO_CLIENTS, DEMO_ORG_ID, DEMO_STAFF } from '../src/demo/demo-users';

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
  if (!role) throw new Error(`--role is required: ${[...Object.keys(DEMO_STAFF), 'client', ...Object.keys(DEMO_CLIENTS), 'partner'].join(', ')}`);
  const org = values.org ?? DEMO_ORG_ID;
  let claims: Record<string, unknown>;
  if (role in DEMO_STAFF) {
    claims = { sub: values.sub ?? DEMO_STAFF[role as keyof typeof DEMO_STAFF].sub, role, org, amr: values['no-mfa'] ? ['pwd'] : ['pwd', 'otp'] };
  } else if (role in DEMO_CLIENTS || role === 'client') {
    const demo = DEMO_CLIENTS[role as keyof typeof DEMO_CLIENTS];
    const person = values.person ?? demo?.personId;
    if (!person) throw new Error('--person is required for --role client');
    claims = { sub: values.sub ?? demo?.sub ?? `client-${person}`, role: 'client', person, org };
  } else if (role === 'partner') {
    const scope = values.scope ?? 'municipality';
    claims = { sub: values.sub ?? `partner-${scope}`, azp: values['client-id'] ?? `demo-${scope}-app`, scope, org };
  } else {
    throw new Error(`unknown role ${role}`);
  }
  const key = await loadOrCreateDevKey(config.dataDir);
  process.stdout.write(`${await mintToken(key, claims, { issuer: config.jwt.issuer, audience: config.jwt.audience, ttl: Number(values.ttl ?? 8 * 3600) })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
