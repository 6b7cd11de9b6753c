import type { JWTPayload } from 'jose';
import type { SigningKey } from '../auth/dev-keys';
import { mintToken } from '../auth/mint-token';
import { StaffRole } from '../entities/enums';
import { DEMO_CLIENTS, DEMO_ORG_ID, DEMO_STAFF, DEMO_UNASSIGNED_CARE_WORKER } from './demo-users';

/** Partner scopes a demo partner application can be given (`--scope`). */
export const DEMO_PARTNER_SCOPES = ['verwijsindex', 'municipality', 'consented'] as const;

export interface DemoClaimOptions {
  sub?: string;
  person?: string;
  org?: string;
  scope?: string;
  clientId?: string;
  /** A staff login without a second factor (`--no-mfa`): refused by Kluis, for demonstrating that. */
  noMfa?: boolean;
}

/** Every role `demoClaims` knows: the staff roles, `client`, the demo clients and `partner`. */
export function demoRoles(): string[] {
  return [...Object.keys(DEMO_STAFF), 'client', ...Object.keys(DEMO_CLIENTS), 'partner'];
}

/**
 * The claims of a development token for `role` — what `npm run token -- --role …` signs and what
 * the explorer's demo buttons sign, from one place. With only a role: the demo user of that role.
 * Throws for an unknown role, or `client` without a person.
 */
export function demoClaims(role: string, o: DemoClaimOptions = {}): JWTPayload {
  const org = o.org ?? DEMO_ORG_ID;
  if (role in DEMO_STAFF) {
    return { sub: o.sub ?? DEMO_STAFF[role as StaffRole].sub, role, org, amr: o.noMfa ? ['pwd'] : ['pwd', 'otp'] };
  }
  if (role in DEMO_CLIENTS || role === 'client') {
    const demo = DEMO_CLIENTS[role as keyof typeof DEMO_CLIENTS] as (typeof DEMO_CLIENTS)[keyof typeof DEMO_CLIENTS] | undefined;
    const person = o.person ?? demo?.personId;
    if (!person) throw new Error('--person is required for --role client');
    // Only the person is claimed: what a client sees is derived from the data, never from the token.
    return { sub: o.sub ?? demo?.sub ?? `client-${person}`, role: 'client', person, org };
  }
  if (role === 'partner') {
    const scope = o.scope ?? 'municipality';
    return { sub: o.sub ?? `partner-${scope}`, azp: o.clientId ?? `demo-${scope}-app`, scope, org };
  }
  throw new Error(`unknown role ${role}`);
}

/** Who a demo button signs in as. */
export interface DemoToken {
  /** Stable id for the button (`care_worker`, `partner_verwijsindex`, …). */
  id: string;
  label: string;
  token: string;
}

export interface DemoTokenSigner {
  key: SigningKey;
  issuer: string;
  audience: string;
  /** Lifetime in seconds (default 8 hours, as `npm run token`). */
  ttl?: number;
}

/**
 * A token for every demo user: the staff roles, the unassigned care worker (for break-the-glass),
 * the demo clients and one partner application per scope. Development only: the caller passes
 * the development key, which a production server never trusts (config.ts).
 */
export async function mintDemoTokens({ key, issuer, audience, ttl = 8 * 3600 }: DemoTokenSigner): Promise<DemoToken[]> {
  const users: { id: string; label: string; claims: JWTPayload }[] = [
    ...Object.entries(DEMO_STAFF).map(([role, u]) => ({ id: role, label: u.name, claims: demoClaims(role) })),
    { id: 'care_worker_unassigned', label: `${DEMO_UNASSIGNED_CARE_WORKER.name}, no assignment`, claims: demoClaims(StaffRole.CARE_WORKER, { sub: DEMO_UNASSIGNED_CARE_WORKER.sub }) },
    { id: 'parent', label: 'Parent (custody of Emma, 14)', claims: demoClaims('parent') },
    { id: 'child_12_15', label: 'Emma, 14', claims: demoClaims('child_12_15') },
    { id: 'youth_16_plus', label: 'Daan, 17', claims: demoClaims('youth_16_plus') },
    ...DEMO_PARTNER_SCOPES.map((scope) => ({ id: `partner_${scope}`, label: `Partner app (${scope})`, claims: demoClaims('partner', { scope }) })),
  ];
  return Promise.all(users.map(async (u) => ({ id: u.id, label: u.label, token: await mintToken(key, u.claims, { issuer, audience, ttl }) })));
}
