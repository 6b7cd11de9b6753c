import { StaffRole } from '../../src/entities/enums';
import { anOrganisation, aProfessional } from '../support/builders';
import { nodes } from '../support/scenario-builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

const DOSSIERS = 3_000;
type Listed = { id: string; myAccess: { relationships: string[] } };
type Page = { dossiers: { edges: { node: Listed }[]; pageInfo: { endCursor: string } } };
const PAGE = 'query($after: String) { dossiers(first: 50, after: $after) { edges { node { id myAccess { relationships } } } pageInfo { endCursor } } }';
const CONSENTED = 'partner-consented-lists';

type PlanNode = { 'Actual Rows': number; 'Actual Loops': number; Plans?: PlanNode[] };
/** The most rows any step of an executed plan handled (rows × loops): how much of the organisation the statement touched. */
const mostRows = (n: PlanNode): number => Math.max(n['Actual Rows'] * n['Actual Loops'], ...(n.Plans ?? []).map(mostRows));

/**
 * A page of a list must cost about a page, not about the organisation: the privacy officer's
 * relationship rows are every dossier of the organisation (SPEC §1), a municipality's and a
 * verwijsindex partner's many of them, and computed before the page was taken, each page touched all of them (a page at 10,000
 * dossiers: 17.8 and 24 ms of PostgreSQL time). A care worker's start from their assignments.
 */
describe('dossiers list: the cost of a page (SPEC §14)', () => {
  let app: TestApp;
  let org: Awaited<ReturnType<typeof anOrganisation>>;
  const statements: { text: string; values: unknown[] }[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    org = await anOrganisation(ds);
    await ds.query(`INSERT INTO person (id, organisation_id, first_name, last_name, date_of_birth, version)
      SELECT md5($1::text || g)::uuid, $1::uuid, 'Kind', 'Lijst' || g, DATE '2015-01-01', 1 FROM generate_series(1, $2::int) g`, [org.id, DOSSIERS]);
    await ds.query(`INSERT INTO dossier (organisation_id, subject_id, type, opened_on, created_at, version)
      SELECT $1::uuid, md5($1::text || g)::uuid, 'YOUTH_CARE', DATE '2026-01-01', timestamp '2026-01-01' + g * interval '1 second', 1
      FROM generate_series(1, $2::int) g`, [org.id, DOSSIERS]);
    // An entitlement for every other dossier, of which every fifth has ended: a municipality sees the rest.
    await ds.query(`INSERT INTO entitlement (organisation_id, dossier_id, municipality, decision_number, product, valid_from, valid_until)
      SELECT $1::uuid, d.id, 'Utrecht', 'B-' || g, 'Ambulante begeleiding', DATE '2026-01-01', CASE WHEN g % 10 = 0 THEN DATE '2026-02-01' END
      FROM dossier d JOIN generate_series(1, $2::int) g ON d.subject_id = md5($1::text || g)::uuid WHERE g % 2 = 0`, [org.id, DOSSIERS]);
    // A verwijsindex signal on every third.
    await ds.query(`UPDATE dossier SET verwijsindex_signal_on = DATE '2026-03-01' WHERE organisation_id = $1 AND subject_id IN
      (SELECT md5($1::text || g)::uuid FROM generate_series(3, $2::int, 3) g)`, [org.id, DOSSIERS]);
    // A DISCLOSURE consent for one partner on every eleventh, signed by the subject; every fifth of those withdrawn.
    await ds.query(`WITH c AS (
        INSERT INTO consent (organisation_id, dossier_id, kind, recipient_name, recipient_client_id, purpose, scope, method, given_at, withdrawn_at)
        SELECT $1::uuid, d.id, 'DISCLOSURE', 'Partner', $3, 'Afstemming', 'PERIOD', 'WRITTEN', now(), CASE WHEN g % 55 = 0 THEN now() END
        FROM dossier d JOIN generate_series(11, $2::int, 11) g ON d.subject_id = md5($1::text || g)::uuid
        RETURNING id, dossier_id)
      INSERT INTO consent_signature (organisation_id, consent_id, person_id, capacity, signed_at)
      SELECT $1::uuid, c.id, d.subject_id, 'SUBJECT', now() FROM c JOIN dossier d ON d.id = c.dossier_id`, [org.id, DOSSIERS, CONSENTED]);
    await ds.query('ANALYZE person, dossier, entitlement, consent, consent_signature');
    // The list page runs as a named prepared statement, straight on the pool.
    const pool = (ds.driver as unknown as { master: { query(q: unknown): Promise<unknown> } }).master;
    const viaPool = pool.query.bind(pool);
    jest.spyOn(pool, 'query').mockImplementation((q) => {
      const { text, values } = q as { text?: string; values?: unknown[] };
      if (text?.includes('FROM dossier d WHERE')) statements.push({ text, values: values ?? [] });
      return viaPool(q);
    });
  });
  beforeEach(() => void (statements.length = 0));
  afterAll(async () => {
    jest.restoreAllMocks();
    await app.close();
  });

  const executedPlan = async ({ text, values }: { text: string; values: unknown[] }) => {
    const [row] = await app.db.ds.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    return row['QUERY PLAN'][0].Plan as PlanNode;
  };

  const CURRENT_ENTITLEMENT = 'EXISTS (SELECT 1 FROM entitlement en WHERE en.dossier_id = d.id AND (en.valid_until IS NULL OR en.valid_until >= CURRENT_DATE))';
  const SIGNAL = 'd.verwijsindex_signal_on IS NOT NULL';
  const CONSENT = `EXISTS (SELECT 1 FROM consent c WHERE c.dossier_id = d.id AND c.recipient_client_id = '${CONSENTED}' AND c.withdrawn_at IS NULL)`;
  /** Per viewer, its relationships and the condition (SQL over the dossier `d`) under which a dossier has each. */
  const listed = {
    'a privacy officer (every dossier of the organisation)': {
      token: async () => app.staffToken(org, StaffRole.PRIVACY_OFFICER, await aProfessional(app.db.ds, org)),
      relationships: { privacy_officer: 'true' },
    },
    'a municipality partner (the dossiers with a current entitlement)': {
      token: () => app.partnerToken(org, 'municipality'),
      relationships: { partner_municipality: CURRENT_ENTITLEMENT },
    },
    'a partner with the municipality and verwijsindex scopes (either)': {
      token: () => app.partnerToken(org, 'municipality verwijsindex'),
      relationships: { partner_municipality: CURRENT_ENTITLEMENT, partner_verwijsindex: SIGNAL },
    },
    'a partner with the municipality, verwijsindex and consented scopes (any, each dossier with all it has)': {
      token: () => app.partnerToken(org, 'municipality verwijsindex consented', CONSENTED),
      relationships: { partner_municipality: CURRENT_ENTITLEMENT, partner_verwijsindex: SIGNAL, partner_consented: CONSENT },
    },
  };

  it.each(Object.entries(listed))('should give %s the first and a later page of 3,000 dossiers while touching about a page of rows', async (_, viewer) => {
    const token = await viewer.token();
    const first: GqlResult<Page> = await app.gql<Page>(PAGE, { after: null }, token);
    const later: GqlResult<Page> = await app.gql<Page>(PAGE, { after: first.data?.dossiers.pageInfo.endCursor }, token);
    expect(first.errors).toBeUndefined();
    expect(later.errors).toBeUndefined();
    const got = [...nodes<Listed>(first.data?.dossiers), ...nodes<Listed>(later.data?.dossiers)].map((d) => ({ id: d.id, relationships: [...d.myAccess.relationships].sort() }));
    const conditions = Object.entries(viewer.relationships);
    const expected: { id: string; relationships: string[] }[] = await app.db.ds.query(
      `SELECT d.id, array_remove(ARRAY[${conditions.map(([r, c]) => `CASE WHEN ${c} THEN '${r}' END`).join(', ')}], NULL) AS relationships
       FROM dossier d WHERE d.organisation_id = $1 AND (${conditions.map(([, c]) => c).join(' OR ')}) ORDER BY d.created_at DESC, d.id DESC LIMIT 100`,
      [org.id],
    );
    expect(got).toEqual(expected.map((e) => ({ id: e.id, relationships: [...e.relationships].sort() })));
    expect(statements).toHaveLength(2);
    for (const statement of statements) {
      // 51 rows a page (the page and the look-ahead row), a few more where some are filtered out; well under the organisation's 3,000.
      expect(mostRows(await executedPlan(statement))).toBeLessThan(DOSSIERS / 10);
    }
  });

  it('should list a care worker their one dossier among the 3,000 starting from the assignment, not from the organisation', async () => {
    const worker = await aProfessional(app.db.ds, org);
    const [mine] = await app.db.ds.query(`SELECT id FROM dossier WHERE organisation_id = $1 ORDER BY created_at LIMIT 1 OFFSET 1234`, [org.id]);
    await app.db.ds.query(`INSERT INTO care_team_assignment (organisation_id, dossier_id, professional_id, role, valid_from) VALUES ($1, $2, $3, 'CARE_WORKER', now() - interval '1 day')`,
      [org.id, mine.id, worker.id]);
    const res = await app.gql<Page>(PAGE, { after: null }, await app.staffToken(org, StaffRole.CARE_WORKER, worker));
    expect(res.errors).toBeUndefined();
    expect(nodes<Listed>(res.data?.dossiers).map((d) => d.id)).toEqual([mine.id]);
    expect(statements).toHaveLength(1);
    expect(mostRows(await executedPlan(statements[0]))).toBeLessThan(DOSSIERS / 10);
  });
});
