import { createLocalJWKSet, createRemoteJWKSet, errors, JSONWebKeySet, jwtVerify, JWTPayload, JWTVerifyGetKey } from 'jose';
import { readFileSync } from 'node:fs';
import { StaffRole } from '../entities/enums';
import { unauthenticated } from '../errors/errors';
import { AuthenticatedViewer, PARTNER_SCOPES, PartnerScope } from './viewer';

/**
 * Asymmetric algorithms only (SPEC §13). Pinning the list is what defeats `alg: none` and the
 * HS256-signed-with-the-public-key confusion attack: jose checks `alg` against it before it
 * looks for a key.
 */
export const ALLOWED_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** `amr` values that prove a multi-factor login for staff (SPEC §1). */
const MFA_METHODS = new Set(['mfa', 'otp', 'hwk', 'sms']);
const STAFF_ROLES = new Set<string>(Object.values(StaffRole));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ASYMMETRIC_KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);

export interface VerifierOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
}

export type TokenVerifier = (token: string) => Promise<AuthenticatedViewer>;

/**
 * Keeps only the public part of asymmetric keys: a JWKS file that accidentally holds private
 * or symmetric keys must not turn into a way to accept tokens signed with them.
 */
export function publicJwks(jwks: JSONWebKeySet): JSONWebKeySet {
  return {
    keys: jwks.keys
      .filter((k) => ASYMMETRIC_KEY_TYPES.has(String(k.kty)))
      .map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, k: _k, ...pub }) => pub),
  };
}

/** The trusted signing keys from `JWKS_URL` (fetched and cached by jose) or `JWKS_FILE`. */
export function keysFromConfig(opts: { jwksUrl?: string; jwksFile?: string }): JWTVerifyGetKey {
  if (opts.jwksUrl) {
    // jose caches the set and re-fetches on an unknown kid at most every cooldownDuration,
    // so a flood of tokens with made-up kids cannot turn into a flood of JWKS fetches.
    return createRemoteJWKSet(new URL(opts.jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 });
  }
  if (opts.jwksFile) {
    return createLocalJWKSet(publicJwks(JSON.parse(readFileSync(opts.jwksFile, 'utf8')) as JSONWebKeySet));
  }
  throw new Error('no JWKS configured');
}

/** Why a token was refused, in words safe to show to the caller (no key material, no claims). */
function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim "${err.claim}" is invalid or missing`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  if (err instanceof errors.JWKSNoMatchingKey) return 'token is signed with an unknown key';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof errors.JWKSTimeout) return 'signing keys could not be fetched';
  return 'token is malformed';
}

/**
 * Verifies a bearer token and turns its claims into a Viewer. Every failure is an
 * UNAUTHENTICATED error (HTTP 401); the request is refused as a whole.
 */
export function createTokenVerifier({ issuer, audience, keys }: VerifierOptions): TokenVerifier {
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer,
        audience,
        algorithms: ALLOWED_ALGORITHMS,
        // jose accepts a token without exp unless told otherwise (SPEC §14).
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
      }));
    } catch (err) {
      throw unauthenticated(`Invalid token: ${reason(err)}`);
    }
    return viewerFromClaims(payload);
  };
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null;
}

/** Maps verified claims to a Viewer; a claim set that fits no kind of viewer is refused. */
export function viewerFromClaims(claims: JWTPayload): AuthenticatedViewer {
  const sub = str(claims.sub);
  const org = str(claims.org);
  const role = str(claims.role);
  const clientApp = str(claims.azp) ?? str(claims.client_id);
  if (!sub) throw unauthenticated('Invalid token: token claim "sub" is invalid or missing');
  if (!org || !UUID.test(org)) throw unauthenticated('Invalid token: token claim "org" is invalid or missing');

  if (role && STAFF_ROLES.has(role)) {
    const amr = Array.isArray(claims.amr) ? claims.amr : [];
    if (!amr.some((m) => typeof m === 'string' && MFA_METHODS.has(m))) {
      throw unauthenticated('Multi-factor authentication is required for staff (token amr must include mfa, otp, hwk or sms)');
    }
    return { kind: 'staff', sub, organisationId: org, role: role as StaffRole, clientApp };
  }
  if (role === 'client') {
    const person = str(claims.person);
    if (!person || !UUID.test(person)) throw unauthenticated('Invalid token: token claim "person" is invalid or missing');
    return { kind: 'client', sub, organisationId: org, personId: person, clientApp };
  }
  if (!role && clientApp && claims.person === undefined) {
    const requested = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    const scopes = requested.filter((s): s is PartnerScope => (PARTNER_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0) throw unauthenticated('Invalid token: token claim "scope" names no partner scope');
    return { kind: 'partner', sub, organisationId: org, clientApp, scopes };
  }
  throw unauthenticated('Invalid token: token claim "role" is invalid or missing');
}
