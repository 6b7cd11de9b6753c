import { JWTPayload, SignJWT } from 'jose';
import { SigningKey } from './dev-keys';

export interface MintOptions {
  issuer: string;
  audience: string;
  /** Lifetime in seconds (default 1 hour). */
  ttl?: number;
}

/** Signs a token with a development or test key. Never used by the server itself. */
export async function mintToken(key: SigningKey, claims: JWTPayload, { issuer, audience, ttl = 3600 }: MintOptions): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(key.privateKey);
}
