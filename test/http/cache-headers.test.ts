import request from 'supertest';
import { StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aProfessional } from '../support/builders';
import { startTestApp, TestApp } from '../support/test-app';

/** Dossier data must never be kept by a browser, proxy or CDN cache: every /graphql answer says so. */
describe('caching of /graphql answers', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp();
    const org = await anOrganisation(app.db.ds);
    const worker = await aProfessional(app.db.ds, org);
    await aDossier().withAssignment(worker).build(app.db.ds, org);
    token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
  });
  afterAll(() => app.close());

  const post = (auth?: string) => {
    const req = request(app.app).post('/graphql').set('content-type', 'application/json');
    if (auth) req.set('authorization', `Bearer ${auth}`);
    return req.send({ query: '{ dossiers(first: 5) { edges { node { id subject { firstName } } } } }' });
  };

  it('should send cache-control no-store with a dossier list', async () => {
    const res = await post(token);
    expect(res.status).toBe(200);
    expect(res.body.data.dossiers.edges).toHaveLength(1);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('should send no etag, which would be a hash of the personal data in the answer', async () => {
    const res = await post(token);
    expect(res.status).toBe(200);
    expect(res.body.data.dossiers.edges[0].node.subject.firstName).toEqual(expect.any(String));
    expect(res.headers.etag).toBeUndefined();
  });

  it('should send cache-control no-store with a refused request too', async () => {
    const res = await post('not-a-token');
    expect(res.status).toBe(401);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
