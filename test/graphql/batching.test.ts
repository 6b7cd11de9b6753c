import { FamilyRelation, StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { startTestApp, TestApp } from '../support/test-app';

const LIST = `query($first: Int!) {
  dossiers(first: $first) {
    edges { node {
      id
      subject { firstName bsn }
      family { edges { node { relation person { firstName lastName } } } }
      entries(first: 5) { edges { node { text author { displayName } } } }
    } }
    pageInfo { hasNextPage }
  }
}`;

interface ListNode {
  id: string;
  subject: { firstName: string | null; bsn: string | null } | null;
  family: { edges: { node: { relation: string | null; person: { firstName: string | null; lastName: string | null } | null } }[] } | null;
  entries: { edges: { node: { text: string | null; author: { displayName: string | null } | null } }[] } | null;
}

describe('batched loading of a dossier list', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** An organisation with `n` dossiers, each with a subject, 2 family members and 3 entries, all assigned to one care worker. */
  async function organisationWith(n: number) {
    const org = await anOrganisation(app.db.ds);
    const worker = await aProfessional(app.db.ds, org);
    const author = await aProfessional(app.db.ds, org);
    const dossiers = [];
    for (let i = 0; i < n; i += 1) {
      dossiers.push(
        await aDossier()
          .withSubject(aPerson().aged(10))
          .withParent(aPerson(), { custody: true, relation: FamilyRelation.MOTHER })
          .withRelative(aPerson().aged(7), FamilyRelation.SIBLING)
          .withEntries(3, i % 2 ? author.id : worker.id)
          .withAssignment(worker)
          .build(app.db.ds, org),
      );
    }
    return { org, worker, author, dossiers, token: await app.staffToken(org, StaffRole.CARE_WORKER, worker) };
  }

  /** Runs the list query and returns its nodes with the number of SQL statements it took. */
  async function measure(n: number, token: string): Promise<{ statements: number; nodes: ListNode[] }> {
    const before = app.statements();
    const res = await app.gql(LIST, { first: n }, token);
    const statements = app.statements() - before;
    expect(res.errors).toBeUndefined();
    expect(res.data?.dossiers.pageInfo.hasNextPage).toBe(false);
    return { statements, nodes: res.data!.dossiers.edges.map((e: { node: ListNode }) => e.node) };
  }

  it('should issue the same small number of SQL statements for 5 and for 50 dossiers', async () => {
    const small = await organisationWith(5);
    const large = await organisationWith(50);
    // Warm-up outside the measurement: nothing lazily provisioned on a first request may count.
    await app.gql(LIST, { first: 1 }, small.token);
    await app.gql(LIST, { first: 1 }, large.token);

    const s = await measure(5, small.token);
    const l = await measure(50, large.token);
    expect(s.nodes).toHaveLength(5);
    expect(l.nodes).toHaveLength(50);
    expect(l.statements).toBe(s.statements);
    expect(s.statements).toBeGreaterThan(0);
    expect(l.statements).toBeLessThanOrEqual(10);
  });

  it('should return complete data for all 50 dossiers: subjects, 100 family members and their entries with authors', async () => {
    const { dossiers, worker, author, token } = await organisationWith(50);
    const { nodes } = await measure(50, token);

    expect(new Set(nodes.map((n) => n.id))).toEqual(new Set(dossiers.map((d) => d.dossier.id)));
    const byId = new Map(dossiers.map((d) => [d.dossier.id, d]));
    let familyMembers = 0;
    let entries = 0;
    for (const node of nodes) {
      const built = byId.get(node.id)!;
      expect(node.subject).toEqual({ firstName: built.subject.firstName, bsn: built.subject.bsn });
      expect(node.subject?.firstName).toEqual(expect.any(String));

      const family = node.family!.edges.map((e) => e.node);
      familyMembers += family.length;
      expect(family).toHaveLength(2);
      expect(new Set(family.map((f) => `${f.relation}:${f.person?.firstName} ${f.person?.lastName}`))).toEqual(
        new Set(built.relatives.map((r) => `${r.member.relation}:${r.person.firstName} ${r.person.lastName}`)),
      );

      const list = node.entries!.edges.map((e) => e.node);
      entries += list.length;
      expect(new Set(list.map((e) => e.text))).toEqual(new Set(built.entries.map((e) => e.text)));
      const authorName = built.entries[0].authorId === worker.id ? worker.displayName : author.displayName;
      for (const e of list) expect(e.author).toEqual({ displayName: authorName });
    }
    expect(familyMembers).toBe(100);
    expect(entries).toBe(150);
  });

  it('should not let one organisation’s list contain the other’s dossiers', async () => {
    const a = await organisationWith(3);
    const b = await organisationWith(4);
    const { nodes } = await measure(100, b.token);
    expect(new Set(nodes.map((n) => n.id))).toEqual(new Set(b.dossiers.map((d) => d.dossier.id)));
    for (const d of a.dossiers) expect(nodes.map((n) => n.id)).not.toContain(d.dossier.id);
  });
});
