import { StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { eventsOf } from '../support/access-log';
import { nodes } from '../support/scenario-builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

/** One shape, whatever the number of dossiers: subject, family and entries of every dossier listed. */
const LIST = `query List { dossiers(first: 100) { edges { node { id
  subject { firstName bsn }
  family { edges { node { relation person { firstName } } } }
  entries { edges { node { text } } }
} } } }`;

/** Same loaders (dossier list, subject, entries), 2 vs 20 sensitive leaf fields. */
const FEW_FIELDS = `query Few { dossiers(first: 100) { edges { node { id
  subject { firstName }
  entries { edges { node { text } } }
} } } }`;
const MANY_FIELDS = `query Many { dossiers(first: 100) { edges { node { id status type openedOn closedOn
  subject { firstName lastName dateOfBirth gender nationality street postalCode city phone email bsn idDocumentType idDocumentNumber }
  entries { edges { node { text kind occurredOn } } }
} } } }`;

describe('access log: round trips do not grow with what is logged (SPEC §6, §14)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** A care worker of a fresh organisation with `n` dossiers, each with a parent and two entries. */
  async function caseload(n: number) {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    for (let i = 0; i < n; i += 1) await aDossier().withParent(aPerson().aged(35)).withAssignment(worker).withEntries(2, worker.id).build(ds, org);
    return { org, worker, token: await app.staffToken(org, StaffRole.CARE_WORKER, worker) };
  }

  /** Statements the app sent for one request (nothing else runs meanwhile: the setup is done). */
  async function measured(query: string, token: string): Promise<{ statements: number; res: GqlResult }> {
    const before = app.statements();
    const res = await app.gql(query, {}, token);
    const statements = app.statements() - before;
    expect(res.errors).toBeUndefined();
    expect(res.status).toBe(200);
    return { statements, res };
  }

  it('should send the same number of statements for 5 and for 40 dossiers, with one event per dossier in one batch', async () => {
    const five = await caseload(5);
    const forty = await caseload(40);
    // A first request each, so that one-off work (provisioning, caches) is not counted.
    await measured(LIST, five.token);
    await measured(LIST, forty.token);

    const small = await measured(LIST, five.token);
    const large = await measured(LIST, forty.token);
    expect(nodes(small.res.data?.dossiers)).toHaveLength(5);
    expect(nodes(large.res.data?.dossiers)).toHaveLength(40);
    expect(large.statements).toBe(small.statements);

    for (const [m, n] of [[small, 5], [large, 40]] as const) {
      const events = await eventsOf(app.db.ds, m.res);
      expect(events).toHaveLength(n);
      // All appended by one call: one chain position, every event knowing the batch size.
      expect(new Set(events.map((e) => `${e.chain_shard}/${e.chain_seq}`)).size).toBe(1);
      expect(new Set(events.map((e) => e.batch_size))).toEqual(new Set([n]));
      expect(events.map((e) => e.batch_pos).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    }
  });

  it('should send the same number of statements for 2 and for 20 selected sensitive fields', async () => {
    const s = await caseload(6);
    await measured(FEW_FIELDS, s.token);

    const few = await measured(FEW_FIELDS, s.token);
    const many = await measured(MANY_FIELDS, s.token);
    expect(many.statements).toBe(few.statements);

    const fewEvents = await eventsOf(app.db.ds, few.res);
    const manyEvents = await eventsOf(app.db.ds, many.res);
    expect(fewEvents).toHaveLength(6);
    expect(manyEvents).toHaveLength(6);
    for (const e of fewEvents) expect(e.granted_fields.filter((f) => !f.startsWith('Dossier.'))).toHaveLength(2);
    // 20 leaf paths (+ the entries connection itself), all in the one event of each dossier.
    for (const e of manyEvents) {
      expect(e.granted_fields).toHaveLength(21);
      expect(e.denied_fields).toEqual([]);
    }
  });

  it('should not send more statements when the same request also has denied fields (and a second action) to log', async () => {
    const s = await caseload(5);
    // A care worker may not read the access log (§4): denied before anything is loaded, logged as a DENIED LOG_READ per dossier.
    const WITH_DENIED = `query Few { dossiers(first: 100) { edges { node { id
      subject { firstName }
      entries { edges { node { text } } }
      accessLog { edges { node { summary } } }
    } } } }`;
    await measured(FEW_FIELDS, s.token);
    const plain = await measured(FEW_FIELDS, s.token);
    const before = app.statements();
    const res = await app.gql(WITH_DENIED, {}, s.token);
    const statements = app.statements() - before;
    expect(res.errors?.map((e) => e.extensions.code)).toEqual(Array(5).fill('FORBIDDEN'));
    expect(statements).toBe(plain.statements);
    const events = await eventsOf(app.db.ds, res);
    expect(events).toHaveLength(10);
    expect(events.filter((e) => e.action === 'LOG_READ').map((e) => [e.outcome, e.denied_fields])).toEqual(Array(5).fill(['DENIED', ['Dossier.accessLog']]));
    expect(new Set(events.map((e) => `${e.chain_shard}/${e.chain_seq}`)).size).toBe(1);
  });
});
