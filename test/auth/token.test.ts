import { randomUUID } from 'node:crypto';
import { base64url, createLocalJWKSet, exportJWK, exportSPKI, importJWK, JSONWebKeySet, JWK, JWTPayload, SignJWT } from 'jose';
import request, { Response } from 'supertest';
import { generateSigningKey } from '../../src/auth/dev-keys';
import { mintToken } from '../../src/auth/mint-token';
import { ALLOWED_ALGORITHMS, createTokenVerifier, publicJwks, viewerFromClaims } from '../../src/auth/token-verifier';
import { Organisation } from '../../src/entities';
import { StaffRole } from '../../src/entities/enums';
import { anOrganisation } from '../support/builders';
import { startTestApp, TEST_AUDIENCE, TEST_ISSUER, TestApp } from '../support/test-app';

const QUERY = '{ dossiers(first: 1) { edges { node { id } } } }';
const now = () => Math.floor(Date.now() / 1000);

/** Claims of an acceptable care-worker token (MFA login) of `org`. */
const staffClaims = (org: string, extra: JWTPayload = {}): JWTPayload => ({ sub: `staff-${randomUUID()}`, role: StaffRole.CARE_WORKER, org, amr: ['pwd', 'otp'], ...extra });

function post(app: TestApp, authorization?: string) {
  const req = request(app.app).post('/graphql').set('content-type', 'application/json');
  if (authorization !== undefined) req.set('authorization', authorization);
  return req.send({ query: QUERY });
}

/** The whole request is refused: HTTP 401, UNAUTHENTICATED, and no data at all. */
function expectRefused(res: Response): void {
  expect(res.status).toBe(401);
  expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  // Refused before execution: not even `data: null`.
  expect(res.body).not.toHaveProperty('data');
  expect(JSON.stringify(res.body)).not.toMatch(/dossiers|edges/);
}

/** A compact JWS built by hand from a header and a payload, with the given signature part. */
function handMadeJwt(header: object, payload: object, signature = ''): string {
  const enc = (o: object) => base64url.encode(new TextEncoder().encode(JSON.stringify(o)));
  return `${enc(header)}.${enc(payload)}.${signature}`;
}

describe('bearer tokens at the HTTP boundary', () => {
  let app: TestApp;
  let org: Organisation;
  beforeAll(async () => {
    app = await startTestApp();
    org = await anOrganisation(app.db.ds);
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('the positive side', () => {
    it('should accept a valid staff token with an MFA login', async () => {
      const res = await post(app, `Bearer ${await app.sign(staffClaims(org.id))}`);
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.dossiers).toEqual({ edges: [] });
    });

    it('should accept a staff token that expired within the 30 s clock tolerance', async () => {
      const res = await post(app, `Bearer ${await app.sign(staffClaims(org.id), { ttl: -10 })}`);
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
    });

    it('should accept a valid client token and a valid partner token', async () => {
      const client = await app.sign({ sub: 'client-x', role: 'client', person: randomUUID(), org: org.id });
      const partner = await app.partnerToken(org, 'municipality');
      for (const token of [client, partner]) {
        const res = await post(app, `Bearer ${token}`);
        expect(res.status).toBe(200);
        expect(res.body.errors).toBeUndefined();
      }
    });
  });

  describe('a request without an acceptable token', () => {
    it('should answer UNAUTHENTICATED and no data when there is no token at all', async () => {
      const res = await post(app);
      expect([200, 401]).toContain(res.status);
      expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.body.data?.dossiers ?? null).toBeNull();
    });

    it.each([
      ['a Basic scheme', 'Basic x'],
      ['a bare Bearer', 'Bearer'],
      ['Bearer with an empty token', 'Bearer '],
      ['Bearer with characters outside base64url', 'Bearer !!!not a token!!!'],
      ['Bearer with garbage segments', 'Bearer abc.def.ghi'],
      ['Bearer with a single segment', 'Bearer c29tZXRoaW5n'],
      ['a lower-case scheme and two spaces', 'bearer  abc.def.ghi'],
    ])('should refuse a malformed Authorization header (%s) with 401', async (_name, header) => {
      expectRefused(await post(app, header));
    });

    it('should refuse a token signed by a different key that claims the trusted kid', async () => {
      const impostor = await generateSigningKey();
      const token = await mintToken({ ...impostor, kid: app.key.kid }, staffClaims(org.id), { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
      expect(JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[0]))).kid).toBe(app.key.kid);
      const res = await post(app, `Bearer ${token}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/signature/i);
    });

    it('should refuse a validly signed token whose payload was tampered with', async () => {
      const token = await app.sign(staffClaims(org.id, { role: StaffRole.AUDITOR }));
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
      const forged = base64url.encode(new TextEncoder().encode(JSON.stringify({ ...claims, role: StaffRole.PRIVACY_OFFICER })));
      expectRefused(await post(app, `Bearer ${header}.${forged}.${signature}`));
    });

    it('should refuse an unsecured token with alg "none"', async () => {
      const payload = { ...staffClaims(org.id), iss: TEST_ISSUER, aud: TEST_AUDIENCE, iat: now(), exp: now() + 3600 };
      expectRefused(await post(app, `Bearer ${handMadeJwt({ alg: 'none' }, payload)}`));
      expectRefused(await post(app, `Bearer ${handMadeJwt({ alg: 'none', typ: 'JWT', kid: app.key.kid }, payload)}`));
    });

    it('should refuse HS256 tokens signed with the public key (algorithm confusion)', async () => {
      const publicJwk = app.key.publicJwk;
      const publicKey = await importJWK(publicJwk, 'ES256');
      const pem = await exportSPKI(publicKey as Parameters<typeof exportSPKI>[0]);
      const secrets = [
        new TextEncoder().encode(JSON.stringify(publicJwk)),
        new TextEncoder().encode(pem),
        new TextEncoder().encode(pem.trim()),
        base64url.decode(publicJwk.x!),
        new Uint8Array([4, ...base64url.decode(publicJwk.x!), ...base64url.decode(publicJwk.y!)]),
      ];
      for (const secret of secrets) {
        const token = await new SignJWT(staffClaims(org.id))
          .setProtectedHeader({ alg: 'HS256', kid: app.key.kid, typ: 'JWT' })
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(secret);
        const res = await post(app, `Bearer ${token}`);
        expectRefused(res);
        expect(res.body.errors[0].message).toMatch(/algorithm/i);
      }
    });

    it('should refuse a token that expired beyond the 30 s tolerance', async () => {
      const res = await post(app, `Bearer ${await app.sign(staffClaims(org.id), { ttl: -120 })}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/expired/i);
    });

    it('should refuse a token without exp', async () => {
      const token = await new SignJWT(staffClaims(org.id))
        .setProtectedHeader({ alg: 'ES256', kid: app.key.kid, typ: 'JWT' })
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_AUDIENCE)
        .setIssuedAt()
        .sign(app.key.privateKey);
      const res = await post(app, `Bearer ${token}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/"exp"/);
    });

    it('should refuse a token that is not valid before an hour from now', async () => {
      const res = await post(app, `Bearer ${await app.sign(staffClaims(org.id, { nbf: now() + 3600 }))}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/"nbf"/);
    });

    it('should refuse a token from another issuer', async () => {
      const res = await post(app, `Bearer ${await app.sign(staffClaims(org.id), { issuer: 'https://evil.example/idp' })}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/"iss"/);
    });

    it('should refuse a token for another audience', async () => {
      const res = await post(app, `Bearer ${await app.sign(staffClaims(org.id), { audience: 'some-other-api' })}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/"aud"/);
    });

    it('should refuse a token signed with a key whose kid is not in the JWKS', async () => {
      const stranger = await generateSigningKey();
      expect(stranger.kid).not.toBe(app.key.kid);
      const token = await mintToken(stranger, staffClaims(org.id), { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
      const res = await post(app, `Bearer ${token}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/unknown key/i);
    });

    it('should refuse a staff token without MFA and say that MFA is required', async () => {
      const res = await post(app, `Bearer ${await app.sign(staffClaims(org.id, { amr: ['pwd'] }))}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/multi-factor|MFA/i);
      expect(res.body.errors[0].message).toMatch(/required/i);
    });

    it('should refuse a staff token with no amr claim at all', async () => {
      const claims = staffClaims(org.id);
      delete claims.amr;
      const res = await post(app, `Bearer ${await app.sign(claims)}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/multi-factor|MFA/i);
    });

    it.each(Object.values(StaffRole))('should refuse a %s token whose amr is a string instead of a list', async (role) => {
      expectRefused(await post(app, `Bearer ${await app.sign(staffClaims(org.id, { role, amr: 'otp' }))}`));
    });

    it('should refuse a client token without a person claim', async () => {
      const res = await post(app, `Bearer ${await app.sign({ sub: 'client-without-person', role: 'client', org: org.id })}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/"person"/);
    });

    it('should refuse a client token whose person is not a uuid', async () => {
      expectRefused(await post(app, `Bearer ${await app.sign({ sub: 'client-x', role: 'client', person: 'me', org: org.id })}`));
    });

    it('should refuse a token with a role that does not exist', async () => {
      const res = await post(app, `Bearer ${await app.sign(staffClaims(org.id, { role: 'superuser' }))}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/"role"/);
    });

    it('should refuse a partner token whose only scope is unknown', async () => {
      const res = await post(app, `Bearer ${await app.partnerToken(org, 'everything')}`);
      expectRefused(res);
      expect(res.body.errors[0].message).toMatch(/"scope"/);
    });

    it('should refuse a staff token without an org claim', async () => {
      const claims = staffClaims(org.id);
      delete claims.org;
      expectRefused(await post(app, `Bearer ${await app.sign(claims)}`));
    });

    it('should refuse a token without sub', async () => {
      const claims = staffClaims(org.id);
      delete claims.sub;
      expectRefused(await post(app, `Bearer ${await app.sign(claims)}`));
    });

    it('should refuse a bad token even for a query that needs no authentication', async () => {
      const res = await request(app.app)
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${await app.sign(staffClaims(org.id), { ttl: -3600 })}`)
        .send({ query: '{ __typename }' });
      expectRefused(res);
    });

    it('should never echo the refused token in the response', async () => {
      const token = await app.sign(staffClaims(org.id, { amr: ['pwd'] }));
      const res = await post(app, `Bearer ${token}`);
      expectRefused(res);
      expect(res.text).not.toContain(token);
      expect(res.text).not.toContain(token.split('.')[1]);
    });
  });
});

describe('publicJwks', () => {
  it('should strip private members and drop symmetric keys', async () => {
    const key = await generateSigningKey();
    const privateJwk = { ...(await exportJWK(key.privateKey)), kid: key.kid };
    expect(privateJwk.d).toBeDefined();
    const rsaPrivate: JWK = { kty: 'RSA', kid: 'rsa-1', n: 'n', e: 'AQAB', d: 'd', p: 'p', q: 'q', dp: 'dp', dq: 'dq', qi: 'qi' };
    const oct: JWK = { kty: 'oct', kid: 'hmac-1', k: 'c2VjcmV0' };
    const okp: JWK = { kty: 'OKP', crv: 'Ed25519', kid: 'ed-1', x: 'x', d: 'd' };

    const out = publicJwks({ keys: [privateJwk, rsaPrivate, oct, okp] as JSONWebKeySet['keys'] });

    expect(out.keys.map((k) => k.kid)).toEqual([key.kid, 'rsa-1', 'ed-1']);
    for (const k of out.keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) expect(k).not.toHaveProperty(secret);
    }
    expect(out.keys[0]).toEqual({ kty: 'EC', crv: 'P-256', x: privateJwk.x, y: privateJwk.y, kid: key.kid });
    expect(out.keys[1]).toEqual({ kty: 'RSA', kid: 'rsa-1', n: 'n', e: 'AQAB' });
  });

  it('should not let a symmetric key in a JWKS file be used to accept HS256 tokens', async () => {
    const secret = new TextEncoder().encode('a-shared-secret-that-must-not-be-trusted');
    const oct: JWK = { kty: 'oct', kid: 'hmac-1', k: base64url.encode(secret), alg: 'HS256' };
    const key = await generateSigningKey();
    const verify = createTokenVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, keys: createLocalJWKSet(publicJwks({ keys: [oct, key.publicJwk] })) });
    const hs = await new SignJWT(staffClaims(randomUUID()))
      .setProtectedHeader({ alg: 'HS256', kid: 'hmac-1' })
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setExpirationTime('1h')
      .sign(secret);
    await expect(verify(hs)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    // The asymmetric key in the same set still works.
    const es = await mintToken(key, staffClaims(randomUUID()), { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    await expect(verify(es)).resolves.toMatchObject({ kind: 'staff' });
  });

  it('should allow only asymmetric algorithms', () => {
    expect([...ALLOWED_ALGORITHMS].sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
  });
});

describe('viewerFromClaims', () => {
  const org = randomUUID();

  /** The error viewerFromClaims throws for `claims`, which must be a 401 UNAUTHENTICATED. */
  function refusal(claims: JWTPayload): { message: string } {
    let thrown: unknown;
    try {
      viewerFromClaims(claims);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeDefined();
    expect(thrown).toMatchObject({ extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    return thrown as { message: string };
  }

  it('should make a staff viewer of a staff role with MFA', () => {
    expect(viewerFromClaims({ sub: 's1', role: 'behavioural_expert', org, amr: ['hwk'] })).toEqual({
      kind: 'staff', sub: 's1', organisationId: org, role: StaffRole.BEHAVIOURAL_EXPERT, clientApp: null,
    });
    expect(viewerFromClaims({ sub: 's1', role: 'care_worker', org, amr: ['pwd', 'sms'], azp: 'care-app' })).toMatchObject({ kind: 'staff', clientApp: 'care-app' });
  });

  it.each(['mfa', 'otp', 'hwk', 'sms'])('should accept amr %s as proof of MFA', (method) => {
    expect(viewerFromClaims({ sub: 's1', role: 'auditor', org, amr: [method] }).kind).toBe('staff');
  });

  it.each([[['pwd']], [[]], [undefined], ['otp'], [['OTP']], [[{ otp: true }]]])('should refuse a staff token with amr %j', (amr) => {
    expect(refusal({ sub: 's1', role: 'privacy_officer', org, amr }).message).toMatch(/multi-factor/i);
  });

  it('should make a client viewer of role client with a person and an org', () => {
    const person = randomUUID();
    expect(viewerFromClaims({ sub: 'c1', role: 'client', person, org })).toEqual({ kind: 'client', sub: 'c1', organisationId: org, personId: person, clientApp: null });
  });

  it('should refuse a client without a person or with a person that is not a uuid', () => {
    refusal({ sub: 'c1', role: 'client', org });
    refusal({ sub: 'c1', role: 'client', org, person: 'not-a-uuid' });
    refusal({ sub: 'c1', role: 'client', org, person: 42 });
  });

  it('should make a partner viewer with only the known scopes', () => {
    expect(viewerFromClaims({ sub: 'p1', client_id: 'gemeente', scope: 'openid municipality verwijsindex admin', org })).toEqual({
      kind: 'partner', sub: 'p1', organisationId: org, clientApp: 'gemeente', scopes: ['municipality', 'verwijsindex'],
    });
  });

  it('should refuse a partner token with no known scope, with a person claim, or without a client id', () => {
    refusal({ sub: 'p1', azp: 'x', scope: 'everything admin', org });
    refusal({ sub: 'p1', azp: 'x', org });
    refusal({ sub: 'p1', azp: 'x', scope: 'consented', org, person: randomUUID() });
    refusal({ sub: 'p1', scope: 'consented', org });
  });

  it('should refuse claims without sub or with an org that is not a uuid', () => {
    refusal({ role: 'care_worker', org, amr: ['otp'] });
    refusal({ sub: '', role: 'care_worker', org, amr: ['otp'] });
    refusal({ sub: 's1', role: 'care_worker', amr: ['otp'] });
    refusal({ sub: 's1', role: 'care_worker', org: 'acme', amr: ['otp'] });
  });

  it('should refuse a role that does not exist, even with MFA', () => {
    expect(refusal({ sub: 's1', role: 'admin', org, amr: ['otp'] }).message).toMatch(/"role"/);
    refusal({ sub: 's1', role: 'CARE_WORKER', org, amr: ['otp'] });
  });
});
