import { Category } from '../../src/entities/enums';
import { FIELD_CATEGORIES, FieldClass, isCategory } from '../../src/permissions/fields';
import { CLIENT_RELATIONSHIPS, HIDDEN_FROM_GROUP, NAME_FIELDS, PARTNER_RELATIONSHIPS, POLICY, Reach, RelationshipName } from '../../src/permissions/policy';
import {
  ENTRY_SHAPE, EntryKey, FAMILY_SHAPE, grantedCategories, PersonRole, RelationshipFixture, RelativeRole, RELATIVES, RIGHTS_REQUEST_SHAPE,
  RightsRequestKey, SUBJECT_AGE, VIEWER, WORK_NOTE_SHAPE, WorkNoteKey,
} from '../support/relationship-fixtures';
import type { GqlResult } from '../support/test-app';

/**
 * The probe table of the permission matrix: for every category of SPEC §3 a GraphQL selection on
 * a dossier, the value it should show, and — computed from POLICY and the per-reach table below,
 * never per relationship — whether a viewer with a given relationship sees it.
 *
 * Main probes (one per category, on a target every reach of that category can allow):
 * | category    | probe                                              | conditional reaches                                               |
 * | ----------- | -------------------------------------------------- | ----------------------------------------------------------------- |
 * | IDENTITY    | subject { lastName }                               | subject: the subject ✓; pseudonym: a last name is withheld (the   |
 * |             |                                                    | pseudonym takes firstName's place, see subject.firstName)         |
 * | CONTACT     | subject { phone }                                  | own: ✓ for the child/youth (it is their own); ownAndMinors: ✓ the |
 * |             |                                                    | subject is a minor without confidential address; granted: listed  |
 * | IDENTIFIERS | subject { bsn }                                    | subjectBsn ✓; own ✓ for the youth; subject ✓; granted: listed     |
 * | FAMILY      | family { edges { node { relation } } }             | namesOnly: every member listed, each relation FORBIDDEN           |
 * | CARE        | entries(first: 5) { edges { node { text } } }      | notHidden: an entry hidden from the viewer's group is NOT LISTED  |
 * |             |                                                    | (no error, §4 note 2); granted: listed                            |
 * | WORK_NOTES  | workNotes { edges { node { text } } }              | author: only the viewer's own notes are listed (the colleague's   |
 * |             |                                                    | note never appears, not even as an error)                         |
 * | ENTITLEMENT | entitlements { edges { node { decisionNumber } } } | granted: listed                                                   |
 * | CONSENT     | consents { edges { node { purpose } } }            | granted: listed                                                   |
 * | RIGHTS      | rightsRequests { edges { node { type } } }         | ownRequests: the parent filed the request → listed for the parent;|
 * |             |                                                    | the child/youth did not → an EMPTY list, not an error             |
 * | ACCESS_LOG  | accessLog(first: 5) { edges { node { action } } }  | dossierLog: the dossier's log (rows not known in advance: ≥ 1)    |
 *
 * Second probes, where a reach restricts a different target than the main probe:
 * - subject.firstName: pseudonym → a pseudonym (not the name).
 * - relative (father) firstName / dateOfBirth: namesOnly → the name ✓, the date of birth FORBIDDEN.
 * - relatives' phone: the custodial parent's, whose address is confidential (✓ for the parent:
 *   their own; §4 note 1 ✗ for every other client and partner; ✓ for staff with CONTACT), the
 *   father's (ownAndMinors ✗: another adult), the confidential half-sibling's (a minor, but §4
 *   note 1 ✗ for clients and partners), the minor sibling's (ownAndMinors ✓).
 * - subject.idDocumentNumber: subjectBsn ✗ (only the BSN), subject/own ✓.
 * - relatives' bsn (the father's, the custodial parent's own): subjectBsn ✗, own ✗.
 * - supportPlan.goals.text: CARE through a nested object.
 * A relative is reached through dossier → family → person: without a readable FAMILY cell the
 * error is at `family` and the relative's field is never reached.
 */

export interface Step {
  /** The type the field is declared on (FIELD_CATEGORIES key). */
  on: string;
  field: string;
  args?: string;
  /** The field returns this object type. */
  returns?: string;
  /** The field returns a connection of this node type (`edges { node { id … } }`). */
  connectionOf?: string;
  /** The connection node the probe is about (a relative); without it every node is probed. */
  pick?: RelativeRole;
}

export type ListName = 'family' | 'entries' | 'goals' | 'workNotes' | 'entitlements' | 'consents' | 'rightsRequests' | 'accessLog';

export type Probe = {
  name: string;
  /** The category of the probed (leaf) field: the matrix axis. */
  category: Category;
  /** The one probe of its category that every reach of the category could allow. */
  main: boolean;
  steps: Step[];
} & ({ kind: 'person'; person: PersonRole; field: string } | { kind: 'list'; list: ListName; field: string });

/** A row of a list, with the facts its reach depends on (static: the fixture shape). */
export interface RowSpec {
  key: string;
  hiddenFrom?: readonly string[];
  author?: 'assignedWorker' | 'colleague';
  requesters?: readonly PersonRole[];
}

const LIST_STEPS: Record<ListName, Step[]> = {
  family: [{ on: 'Dossier', field: 'family', args: '(first: 20)', connectionOf: 'FamilyMember' }],
  entries: [{ on: 'Dossier', field: 'entries', args: '(first: 5)', connectionOf: 'Entry' }],
  goals: [{ on: 'Dossier', field: 'supportPlan', returns: 'SupportPlan' }, { on: 'SupportPlan', field: 'goals', connectionOf: 'SupportPlanGoal' }],
  workNotes: [{ on: 'Dossier', field: 'workNotes', connectionOf: 'WorkNote' }],
  entitlements: [{ on: 'Dossier', field: 'entitlements', connectionOf: 'Entitlement' }],
  consents: [{ on: 'Dossier', field: 'consents', connectionOf: 'Consent' }],
  rightsRequests: [{ on: 'Dossier', field: 'rightsRequests', connectionOf: 'RightsRequest' }],
  // The dossier's own log as shown to clients and the privacy officer (SPEC §4 note 4).
  accessLog: [{ on: 'Dossier', field: 'accessLog', args: '(first: 5)', connectionOf: 'AccessLogEntry' }],
};

/** The rows of each list in every fixture dossier; `dynamic`: not known in advance (the access log). */
export function listRows(list: ListName, relationship: RelationshipName): RowSpec[] | 'dynamic' {
  switch (list) {
    case 'family':
      return RELATIVES.map((key) => ({ key }));
    case 'entries':
      return (Object.keys(ENTRY_SHAPE) as EntryKey[]).map((key) => ({ key, hiddenFrom: ENTRY_SHAPE[key] }));
    case 'goals':
      return [{ key: '0' }];
    case 'workNotes':
      return (Object.keys(WORK_NOTE_SHAPE) as WorkNoteKey[]).map((key) => ({ key, author: WORK_NOTE_SHAPE[key] }));
    case 'entitlements':
      return [{ key: '0' }];
    case 'consents':
      // A disclosure to a third party; the partner's own consent exists only in the partner_consented fixture.
      return relationship === 'partner_consented' ? [{ key: '0' }, { key: '1' }] : [{ key: '0' }];
    case 'rightsRequests':
      return (Object.keys(RIGHTS_REQUEST_SHAPE) as RightsRequestKey[]).map((key) => ({ key, requesters: RIGHTS_REQUEST_SHAPE[key] }));
    case 'accessLog':
      return 'dynamic';
  }
}

/** The fixture row (an entity with `id` and the probed field) of a list row. */
export function rowOf(f: RelationshipFixture, list: ListName, key: string): Record<string, unknown> & { id: string } {
  const rows: Record<Exclude<ListName, 'accessLog'>, Record<string, unknown>> = {
    family: f.members, entries: f.entries, goals: { ...f.goals }, workNotes: f.workNotes, entitlements: { ...f.entitlements }, consents: { ...f.consents },
    rightsRequests: f.rightsRequests,
  };
  const row = rows[list as Exclude<ListName, 'accessLog'>]?.[key] as (Record<string, unknown> & { id: string }) | undefined;
  if (!row) throw new Error(`fixture has no ${list} row ${key}`);
  return row;
}

function personProbe(category: Category, person: PersonRole, field: string, main = false): Probe {
  const steps: Step[] = person === 'subject'
    ? [{ on: 'Dossier', field: 'subject', returns: 'Person' }, { on: 'Person', field }]
    : [
      { on: 'Dossier', field: 'family', args: '(first: 20)', connectionOf: 'FamilyMember', pick: person },
      { on: 'FamilyMember', field: 'person', returns: 'Person' },
      { on: 'Person', field },
    ];
  const name = person === 'subject' ? `subject.${field}` : `family → ${person} (${FAMILY_SHAPE[person].relation}) → person.${field}`;
  return { name, category, main, steps, kind: 'person', person, field };
}

function listProbe(category: Category, list: ListName, on: string, field: string, main = false): Probe {
  const steps = [...LIST_STEPS[list], { on, field }];
  const name = `${steps.map((s) => s.field).join('.')}`;
  return { name, category, main, steps, kind: 'list', list, field };
}

const { IDENTITY, CONTACT, IDENTIFIERS, FAMILY, CARE, WORK_NOTES, ENTITLEMENT, CONSENT, RIGHTS, ACCESS_LOG } = Category;

/** Every probe; the first of each category is its main probe. */
export const PROBES: Probe[] = [
  personProbe(IDENTITY, 'subject', 'lastName', true),
  personProbe(IDENTITY, 'subject', 'firstName'),
  personProbe(IDENTITY, 'otherAdult', 'firstName'),
  personProbe(IDENTITY, 'otherAdult', 'dateOfBirth'),
  personProbe(CONTACT, 'subject', 'phone', true),
  personProbe(CONTACT, 'custodialParent', 'phone'),
  personProbe(CONTACT, 'otherAdult', 'phone'),
  personProbe(CONTACT, 'confidentialMinor', 'phone'),
  personProbe(CONTACT, 'minorSibling', 'phone'),
  personProbe(IDENTIFIERS, 'subject', 'bsn', true),
  personProbe(IDENTIFIERS, 'subject', 'idDocumentNumber'),
  personProbe(IDENTIFIERS, 'otherAdult', 'bsn'),
  personProbe(IDENTIFIERS, 'custodialParent', 'bsn'),
  listProbe(FAMILY, 'family', 'FamilyMember', 'relation', true),
  listProbe(CARE, 'entries', 'Entry', 'text', true),
  listProbe(CARE, 'goals', 'SupportPlanGoal', 'text'),
  listProbe(WORK_NOTES, 'workNotes', 'WorkNote', 'text', true),
  listProbe(ENTITLEMENT, 'entitlements', 'Entitlement', 'decisionNumber', true),
  listProbe(CONSENT, 'consents', 'Consent', 'purpose', true),
  listProbe(RIGHTS, 'rightsRequests', 'RightsRequest', 'type', true),
  listProbe(ACCESS_LOG, 'accessLog', 'AccessLogEntry', 'action', true),
];

// ---------------------------------------------------------------------------------------------
// Expected outcomes: POLICY + the per-reach table.
// ---------------------------------------------------------------------------------------------

export type Leaf = 'visible' | 'denied' | 'pseudonym';

/** What a viewer should get for a probe. */
export type Expectation =
  /** The field at `steps[step]` is null, with a FORBIDDEN error at its path. */
  | { kind: 'denied'; step: number }
  /** A person's field: its real value. */
  | { kind: 'visible' }
  /** A person's name: a pseudonym instead of the real name. */
  | { kind: 'pseudonym' }
  /** A list: exactly these rows are listed, each leaf visible or FORBIDDEN. */
  | { kind: 'rows'; rows: { key: string; leaf: Exclude<Leaf, 'pseudonym'> }[]; notListed: string[] }
  /** A list whose rows are not known in advance: listed, at least one row, every leaf visible. */
  | { kind: 'someRows' };

interface Ctx {
  relationship: RelationshipName;
  granted: readonly Category[];
}

interface LeafTarget {
  category: Category;
  field: string;
  person?: { isSubject: boolean; isViewer: boolean; minor: boolean; addressConfidential: boolean; viaFamily: boolean };
  row?: RowSpec;
}

const readReach = (r: RelationshipName, c: Category): Reach | undefined => POLICY[r][c]?.read;

/** The category of a step's field, from FIELD_CATEGORIES (the probe's own category where the table has none yet). */
export function stepCategory(step: Step, probe: Probe): FieldClass {
  return FIELD_CATEGORIES[step.on]?.[step.field] ?? probe.category;
}

function viewerRows(relationship: RelationshipName) {
  return { professional: VIEWER[relationship].isAssignedWorker ? 'assignedWorker' : null, person: VIEWER[relationship].person };
}

/**
 * The per-reach table (SPEC §4 conditions; policy.ts documents the reaches): does the probed
 * target satisfy the reach?
 */
export const REACH_TABLE: Record<Reach, (t: LeafTarget, c: Ctx) => Leaf> = {
  // Everything of the category in the dossier.
  all: () => 'visible',
  // The viewer's own person only: the child's/youth's own phone, BSN, document.
  own: (t) => (t.person?.isViewer ? 'visible' : 'denied'),
  // The dossier's subject only (municipality): any field of the subject.
  subject: (t) => (t.person?.isSubject ? 'visible' : 'denied'),
  // Only the subject's BSN (parent, verwijsindex): not the document number, not anyone else's BSN.
  subjectBsn: (t) => (t.person?.isSubject && t.field === 'bsn' ? 'visible' : 'denied'),
  // The viewer's own person and the minors without a confidential address (§4 note 1: never other adults).
  ownAndMinors: (t) => (t.person && (t.person.isViewer || (t.person.minor && !t.person.addressConfidential)) ? 'visible' : 'denied'),
  // FAMILY as names only: the family list and each member's person are reachable (see `admits`),
  // a member's own FAMILY fields (relation, custody, informed) are not.
  namesOnly: () => 'denied',
  // Work notes: only the viewer's own are listed (see `listed`); a listed one is shown.
  author: (t, c) => (t.row?.author !== undefined && t.row.author === viewerRows(c.relationship).professional ? 'visible' : 'denied'),
  // Hidden entries are not listed (§4 note 2, see `listed`); every listed one is shown.
  notHidden: () => 'visible',
  // Only what the auditor grant / partner consent lists.
  granted: (t, c) => (c.granted.includes(t.category) ? 'visible' : 'denied'),
  // Auditor without IDENTITY granted: the first name carries a stable pseudonym, every other
  // IDENTITY field (the last name included) is withheld; with IDENTITY granted: the real values.
  pseudonym: (t, c) => (c.granted.includes(Category.IDENTITY) ? 'visible' : t.field === 'firstName' ? 'pseudonym' : 'denied'),
  // Rights requests: only those the viewer filed are listed (see `listed`).
  ownRequests: (t, c) => {
    const me = viewerRows(c.relationship).person;
    return me !== null && !!t.row?.requesters?.includes(me) ? 'visible' : 'denied';
  },
  // The dossier's own access log.
  dossierLog: () => 'visible',
};

/** A container field (a list, a relative's person) is reached under every reach except an unlisted `granted`. */
function admits(reach: Reach | undefined, category: Category, c: Ctx): boolean {
  return reach !== undefined && (reach !== 'granted' || c.granted.includes(category));
}

/** Whether a row is listed at all. Rows not listed are absent, never an error. */
function listed(row: RowSpec, listReach: Reach | undefined, c: Ctx): boolean {
  const group = HIDDEN_FROM_GROUP[c.relationship];
  // §4 note 2: an entry hidden from the viewer's group is not listed.
  if (group && row.hiddenFrom?.includes(group)) return false;
  const viewer = viewerRows(c.relationship);
  if (listReach === 'author') return row.author === viewer.professional;
  if (listReach === 'ownRequests') return viewer.person !== null && !!row.requesters?.includes(viewer.person);
  return true;
}

function personFacts(role: PersonRole, relationship: RelationshipName): NonNullable<LeafTarget['person']> {
  const age = role === 'subject' ? SUBJECT_AGE[relationship] : FAMILY_SHAPE[role].age;
  return {
    isSubject: role === 'subject',
    isViewer: VIEWER[relationship].person === role,
    minor: age < 18,
    addressConfidential: role === 'subject' ? false : FAMILY_SHAPE[role].addressConfidential,
    viaFamily: role !== 'subject',
  };
}

function leafOutcome(target: LeafTarget, c: Ctx): Leaf {
  const reach = readReach(c.relationship, target.category);
  if (!reach) return 'denied';
  const p = target.person;
  if (p) {
    // §4 note 1: contact data of a person with a confidential address never reaches another client or a partner.
    const clientOrPartner = CLIENT_RELATIONSHIPS.has(c.relationship) || PARTNER_RELATIONSHIPS.has(c.relationship);
    if (target.category === Category.CONTACT && p.addressConfidential && !p.isViewer && clientOrPartner) return 'denied';
    // FAMILY "names only": of a relative reached through the family, only the names.
    if (p.viaFamily && readReach(c.relationship, Category.FAMILY) === 'namesOnly' && !NAME_FIELDS.has(target.field)) return 'denied';
  }
  return REACH_TABLE[reach](target, c);
}

/** The expected outcome of a probe for a relationship, from POLICY and the per-reach table only. */
export function expectationFor(probe: Probe, relationship: RelationshipName): Expectation {
  const c: Ctx = { relationship, granted: grantedCategories(relationship) };
  const leafIndex = probe.steps.length - 1;
  for (let i = 0; i < leafIndex; i += 1) {
    const category = stepCategory(probe.steps[i], probe);
    if (isCategory(category) && !admits(readReach(relationship, category), category, c)) return { kind: 'denied', step: i };
  }
  const leafCategory = stepCategory(probe.steps[leafIndex], probe);
  if (!isCategory(leafCategory)) return { kind: 'visible' };
  if (probe.kind === 'person') {
    const outcome = leafOutcome({ category: leafCategory, field: probe.field, person: personFacts(probe.person, relationship) }, c);
    return outcome === 'denied' ? { kind: 'denied', step: leafIndex } : { kind: outcome };
  }
  const rows = listRows(probe.list, relationship);
  if (rows === 'dynamic') {
    return leafOutcome({ category: leafCategory, field: probe.field }, c) === 'visible' ? { kind: 'someRows' } : { kind: 'denied', step: leafIndex };
  }
  const list = probe.steps.find((s) => s.connectionOf)!;
  const listCategory = stepCategory(list, probe);
  const listReach = isCategory(listCategory) ? readReach(relationship, listCategory) : 'all';
  const shown = rows.filter((row) => listed(row, listReach, c));
  return {
    kind: 'rows',
    rows: shown.map((row) => ({ key: row.key, leaf: leafOutcome({ category: leafCategory, field: probe.field, row }, c) === 'visible' ? 'visible' : 'denied' })),
    notListed: rows.filter((row) => !shown.includes(row)).map((row) => row.key),
  };
}

/** The step whose field is FORBIDDEN for this expectation, if any (for @include/@skip). */
export function deniedStep(probe: Probe, e: Expectation): number | null {
  if (e.kind === 'denied') return e.step;
  if (e.kind === 'rows' && e.rows.some((r) => r.leaf === 'denied')) return probe.steps.length - 1;
  return null;
}

export function describeExpectation(probe: Probe, e: Expectation): string {
  switch (e.kind) {
    case 'denied':
      return `get null and FORBIDDEN at ${probe.steps.slice(0, e.step + 1).map((s) => s.field).join('.')}`;
    case 'visible':
      return 'see the real value';
    case 'pseudonym':
      return 'see a pseudonym instead of the name';
    case 'someRows':
      return 'see the rows';
    case 'rows': {
      const denied = e.rows.filter((r) => r.leaf === 'denied').map((r) => r.key);
      const parts = [`list exactly [${e.rows.map((r) => r.key).join(', ')}]`];
      if (denied.length) parts.push(`with ${probe.field} FORBIDDEN on [${denied.join(', ')}]`);
      if (e.notListed.length) parts.push(`not listing [${e.notListed.join(', ')}]`);
      return parts.join(' ');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering a probe as a query (plain, aliased, fragments, directives).
// ---------------------------------------------------------------------------------------------

export interface Style {
  /** Every field under an alias `x_<field>` (edges, node and id included). */
  alias?: boolean;
  /** Inline fragments `... on Dossier` / `... on Person`. */
  inline?: boolean;
  /** A named fragment on this type holds the selection below it. */
  fragment?: 'Dossier' | 'Person';
  /** A directive on the field of this step. */
  directive?: { step: number; text: string };
}

export type Path = (string | number)[];
const ALIAS = 'x_';
export const keyOf = (name: string, style: Style): string => (style.alias ? `${ALIAS}${name}` : name);
const fieldText = (name: string, style: Style, args = ''): string => (style.alias ? `${ALIAS}${name}: ${name}${args}` : `${name}${args}`);

function wrap(type: string, inner: string, style: Style, fragments: string[]): string {
  if (style.fragment === type) {
    fragments.push(`fragment ${type}Probe on ${type} { ${inner} }`);
    return `...${type}Probe`;
  }
  if (style.inline && (type === 'Dossier' || type === 'Person')) return `... on ${type} { ${inner} }`;
  return inner;
}

function renderFrom(steps: Step[], i: number, style: Style, fragments: string[]): string {
  const s = steps[i];
  const directive = style.directive?.step === i ? ` ${style.directive.text}` : '';
  const head = `${fieldText(s.field, style, s.args)}${directive}`;
  if (i === steps.length - 1) return head;
  const inner = renderFrom(steps, i + 1, style, fragments);
  if (s.connectionOf) return `${head} { ${fieldText('edges', style)} { ${fieldText('node', style)} { ${fieldText('id', style)} ${inner} } } }`;
  return `${head} { ${wrap(s.returns!, inner, style, fragments)} }`;
}

/** The selection of a probe on a Dossier, and the fragment definitions it needs. */
export function renderProbe(probe: Probe, style: Style = {}): { selection: string; fragments: string } {
  const fragments: string[] = [];
  const selection = wrap('Dossier', renderFrom(probe.steps, 0, style, fragments), style, fragments);
  return { selection, fragments: fragments.join('\n') };
}

/** `dossier(id: $id) { <probe> }`; the dossier is at `root` of the response. */
export function dossierQuery(probe: Probe, style: Style = {}, variableDefs = ''): { query: string; root: Path } {
  const { selection, fragments } = renderProbe(probe, style);
  return {
    query: `query Probe($id: ID!${variableDefs}) { ${fieldText('dossier', style, '(id: $id)')} { ${selection} } }\n${fragments}`,
    root: [keyOf('dossier', style)],
  };
}

/** `dossiers(first: 50) { … node { id myAccess { relationships } <probe> } }`. */
export function dossiersQuery(probe: Probe): string {
  const { selection, fragments } = renderProbe(probe);
  return `query ProbeList { dossiers(first: 50) { edges { node { id myAccess { relationships } ${selection} } } } }\n${fragments}`;
}

// ---------------------------------------------------------------------------------------------
// Checking a response against an expectation.
// ---------------------------------------------------------------------------------------------

export const at = (data: unknown, path: Path): any => path.reduce<any>((v, p) => (v === null || v === undefined ? undefined : v[p]), data);
const same = (a: Path | undefined, b: Path) => JSON.stringify(a) === JSON.stringify(b);
const startsWith = (path: Path | undefined, prefix: Path) => !!path && same(path.slice(0, prefix.length), prefix);

/** The real value of a person probe. */
export function personValue(f: RelationshipFixture, probe: Extract<Probe, { kind: 'person' }>): unknown {
  return (f.persons[probe.person] as unknown as Record<string, unknown>)[probe.field];
}

/** Index of the connection node with this id under `path` (`edges[i].node.id`). */
function nodeIndex(data: unknown, path: Path, id: string, style: Style): number {
  const edges = (at(data, [...path, keyOf('edges', style)]) ?? []) as Record<string, any>[];
  const i = edges.findIndex((e) => e?.[keyOf('node', style)]?.[keyOf('id', style)] === id);
  if (i < 0) throw new Error(`node ${id} is not listed at ${path.join('.')}: ${JSON.stringify(at(data, path))}`);
  return i;
}

/** The response path of the field of `steps[upto]` (following a picked relative through the family list). */
export function fieldPath(data: unknown, root: Path, probe: Probe, upto: number, f: RelationshipFixture, style: Style = {}): Path {
  const path: Path = [...root];
  for (let i = 0; i <= upto; i += 1) {
    const s = probe.steps[i];
    path.push(keyOf(s.field, style));
    if (i < upto && s.connectionOf) {
      if (!s.pick) throw new Error(`step ${s.field} of ${probe.name} lists rows: no single path`);
      path.push(keyOf('edges', style), nodeIndex(data, path, f.members[s.pick].id, style), keyOf('node', style));
    }
  }
  return path;
}

export interface CheckResult {
  /** Paths that must carry a FORBIDDEN error (and nothing else under the root). */
  deniedPaths: Path[];
  /** Values that must not appear anywhere in the response. */
  secrets: string[];
}

const secret = (v: unknown): string[] => (typeof v === 'string' && v.length >= 8 ? [v] : []);

/**
 * Asserts the response matches the expectation at `root`: values, nulls, and exactly the
 * FORBIDDEN errors expected under `root` (no other error there). Returns what was denied.
 */
export function verifyProbe(res: GqlResult, root: Path, probe: Probe, e: Expectation, f: RelationshipFixture, style: Style = {}): CheckResult {
  // A probe about one relative selects the field on every member: the other members are other probes.
  const otherMember = (path: Path | undefined): boolean => {
    const pick = probe.steps[0].pick;
    if (!pick || !path || !res.data) return false;
    const edges = [...root, keyOf(probe.steps[0].field, style), keyOf('edges', style)];
    if (!startsWith(path, edges) || path.length <= edges.length) return false;
    return path[edges.length] !== nodeIndex(res.data, edges.slice(0, -1), f.members[pick].id, style);
  };
  const errorsUnderRoot = (res.errors ?? []).filter((err) => (startsWith(err.path, root) && !otherMember(err.path)) || !err.path);
  // A validation or internal error would make every other assertion meaningless: show it first.
  expect(errorsUnderRoot.filter((err) => err.extensions?.code !== 'FORBIDDEN').map((err) => `${err.extensions?.code}: ${err.message}`)).toEqual([]);
  const data = res.data;
  const deniedPaths: Path[] = [];
  const secrets: string[] = [];
  switch (e.kind) {
    case 'denied': {
      const path = fieldPath(data, root, probe, e.step, f, style);
      expect({ path, value: at(data, path) }).toEqual({ path, value: null });
      deniedPaths.push(path);
      if (probe.kind === 'person') secrets.push(...secret(personValue(f, probe)));
      else if (probe.list !== 'accessLog') for (const row of listRows(probe.list, f.relationship) as RowSpec[]) secrets.push(...secret(rowOf(f, probe.list, row.key)[probe.field]));
      break;
    }
    case 'visible':
    case 'pseudonym': {
      if (probe.kind !== 'person') throw new Error(`${probe.name}: ${e.kind} is for person probes`);
      const path = fieldPath(data, root, probe, probe.steps.length - 1, f, style);
      const value = at(data, path);
      const real = personValue(f, probe);
      if (e.kind === 'visible') {
        expect({ path, value }).toEqual({ path, value: real });
      } else {
        const person = f.persons[probe.person];
        expect(typeof value).toBe('string');
        expect((value as string).length).toBeGreaterThan(0);
        expect(value).not.toContain(person.firstName);
        expect(value).not.toContain(person.lastName);
      }
      break;
    }
    case 'someRows': {
      const list = fieldPath(data, root, probe, probe.steps.length - 2, f, style);
      const nodes = ((at(data, [...list, keyOf('edges', style)]) ?? []) as Record<string, any>[]).map((edge) => edge[keyOf('node', style)]);
      expect(at(data, list)).not.toBeNull();
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) expect(typeof node[keyOf(probe.field, style)]).toBe('string');
      break;
    }
    case 'rows': {
      if (probe.kind !== 'list') throw new Error(`${probe.name}: rows are for list probes`);
      const list = fieldPath(data, root, probe, probe.steps.length - 2, f, style);
      const edges = at(data, [...list, keyOf('edges', style)]) as Record<string, any>[] | undefined;
      expect({ list, isConnection: Array.isArray(edges) }).toEqual({ list, isConnection: true });
      const listedIds = (edges ?? []).map((edge) => edge[keyOf('node', style)]?.[keyOf('id', style)]).sort();
      expect(listedIds).toEqual(e.rows.map((r) => rowOf(f, probe.list, r.key).id).sort());
      for (const r of e.rows) {
        const row = rowOf(f, probe.list, r.key);
        const path = [...list, keyOf('edges', style), nodeIndex(data, list, row.id, style), keyOf('node', style), keyOf(probe.field, style)];
        if (r.leaf === 'visible') {
          expect({ path, value: at(data, path) }).toEqual({ path, value: row[probe.field] });
        } else {
          expect({ path, value: at(data, path) }).toEqual({ path, value: null });
          deniedPaths.push(path);
          secrets.push(...secret(row[probe.field]));
        }
      }
      for (const key of e.notListed) secrets.push(...secret(rowOf(f, probe.list, key)[probe.field]));
      break;
    }
  }
  // Exactly the expected FORBIDDEN errors under the root, each at the response path of its field.
  const actual = errorsUnderRoot.map((err) => JSON.stringify(err.path)).sort();
  expect(actual).toEqual(deniedPaths.map((p) => JSON.stringify(p)).sort());
  return { deniedPaths, secrets };
}
