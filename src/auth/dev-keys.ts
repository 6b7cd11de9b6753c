import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, JWK, JWTVerifyGetKey } from 'jose';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SigningKey {
  kid: string;
  alg: 'ES256';
  privateKey: PrivateKey;
  publicJwk: JWK;
}

/** Creates a fresh ES256 key pair in memory (tests, benchmark). */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, alg: 'ES256', privateKey, publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' } };
}

/** The verifier's view of a signing key: its public half only. */
export function verificationKeys(...keys: SigningKey[]): JWTVerifyGetKey {
  return createLocalJWKSet({ keys: keys.map((k) => k.publicJwk) });
}

/**
 * The development key pair under `<dataDir>/dev-keys/`, created on first use. Only for
 * development: production refuses to start without JWKS_URL/JWKS_FILE (config.ts), so these
 * keys can never be trusted by a production server.
 */
export async function loadOrCreateDevKey(dataDir: string): Promise<SigningKey> {
  const dir = path.join(dataDir, 'dev-keys');
  const file = path.join(dir, 'signing-key.jwk.json');
  if (existsSync(file)) {
    const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK & { kid: string };
    const privateKey = (await importJWK(jwk, 'ES256')) as PrivateKey;
    const { d: _d, ...pub } = jwk;
    return { kid: jwk.kid, alg: 'ES256', privateKey, publicJwk: { ...pub, alg: 'ES256', use: 'sig' } };
  }
  const key = await generateSigningKey();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privateJwk = { ...(await exportJWK(key.privateKey)), kid: key.kid };
  writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
  writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [key.publicJwk] }, null, 2));
  return key;
}
