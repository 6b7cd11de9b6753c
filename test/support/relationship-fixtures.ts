import { randomBytes, randomInt } from 'node:crypto';
import {
  CareTeamAssignment, Consent, Dossier, EmergencyAccess, Entitlement, Entry, FamilyMember, Organisation, Person, Professional, RightsRequest,
  SupportPlanGoal, WorkNote,
} from '../../src/entities';
import {
  AssignmentRole, Category, FamilyRelation, Gender, HiddenFrom, IdDocumentType, RightsRequestStatus, RightsRequestType, StaffRole,
} from '../../src/entities/enums';
import { POLICY, RelationshipName } from '../../src/permissions/policy';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional, BuiltDossier } from './builders';
import { aDisclosureConsent, anAuditorGrant } from './scenario-builders';
import type { TestApp } from './test-app';

/**
 * One fully populated dossier per relationship of the policy (SPEC §1, §4), and a viewer who has
 * exactly that relationship to it — for the table-driven permission matrix.
 *
 * Every fixture dossier has the same shape (below, as data), so the expected outcome of a probe
 * can be computed from POLICY and these facts when the tests are collected; only the values
 * (names, BSNs, texts) are known after the fixture was built.
 */

const rnd = () => randomBytes(4).toString('hex');

/** The persons of a fixture dossier, by the part they play in it. */
export type PersonRole = 'subject' | 'custodialParent' | 'otherAdult' | 'confidentialMinor' | 'minorSibling';
export type RelativeRole = Exclude<PersonRole, 'subject'>;

/** The subject's age in years (plus a few months): 14 for the child and everyone else, 17 for the youth. */
export const SUBJECT_AGE: Record<RelationshipName, number> = Object.fromEntries(
  Object.keys(POLICY).map((r) => [r, r === 'youth_16_plus' ? 17 : 14]),
) as Record<RelationshipName, number>;

/**
 * The relatives of every fixture dossier. Two have a confidential address (§2, §4 note 1): the
 * custodial parent (so the parent viewer sees their OWN confidential contact data, and nobody
 * else outside staff does) and a half-sibling who is a minor (so `ownAndMinors` is not enough).
 */
export const FAMILY_SHAPE: Record<RelativeRole, { relation: FamilyRelation; custody: boolean; age: number; addressConfidential: boolean }> = {
  custodialParent: { relation: FamilyRelation.MOTHER, custody: true, age: 42, addressConfidential: true },
  otherAdult: { relation: FamilyRelation.FATHER, custody: false, age: 44, addressConfidential: false },
  confidentialMinor: { relation: FamilyRelation.SIBLING, custody: false, age: 10, addressConfidential: true },
  minorSibling: { relation: FamilyRelation.SIBLING, custody: false, age: 8, addressConfidential: false },
};
export const RELATIVES = Object.keys(FAMILY_SHAPE) as RelativeRole[];

/** The journal entries: one hidden from nobody, one from the parents, one from the subject (§2 hiddenFrom). */
export const ENTRY_SHAPE = {
  open: [] as HiddenFrom[],
  hiddenFromParents: [HiddenFrom.PARENTS],
  hiddenFromSubject: [HiddenFrom.SUBJECT],
} as const;
export type EntryKey = keyof typeof ENTRY_SHAPE;

/** The work notes: one by the assigned care worker, one by a colleague. */
export const WORK_NOTE_SHAPE = { byAssignedWorker: 'assignedWorker', byColleague: 'colleague' } as const;
export type WorkNoteKey = keyof typeof WORK_NOTE_SHAPE;

/** The rights requests: one, filed by the custodial parent. */
export const RIGHTS_REQUEST_SHAPE = { filedByParent: ['custodialParent'] as PersonRole[] } as const;
export type RightsRequestKey = keyof typeof RIGHTS_REQUEST_SHAPE;

/** Who the viewer is in the fixture: a person of the dossier (clients) and/or the assigned care worker. */
export const VIEWER: Record<RelationshipName, { person: PersonRole | null; isAssignedWorker: boolean }> = {
  care_worker: { person: null, isAssignedWorker: true },
  emergency: { person: null, isAssignedWorker: false },
  behavioural_expert: { person: null, isAssignedWorker: false },
  admin_support: { person: null, isAssignedWorker: false },
  privacy_officer: { person: null, isAssignedWorker: false },
  auditor: { person: null, isAssignedWorker: false },
  parent: { person: 'custodialParent', isAssignedWorker: false },
  child_12_15: { person: 'subject', isAssignedWorker: false },
  youth_16_plus: { person: 'subject', isAssignedWorker: false },
  partner_verwijsindex: { person: null, isAssignedWorker: false },
  partner_municipality: { person: null, isAssignedWorker: false },
  partner_consented: { person: null, isAssignedWorker: false },
};

/**
 * Relationships that reach every dossier of the organisation (relationships.sql.ts): the privacy
 * officer. For them an "unrelated" dossier of the same organisation does not exist.
 */
export const ORGANISATION_WIDE: ReadonlySet<RelationshipName> = new Set(['privacy_officer']);

/**
 * The categories the fixture's auditor grant or partner consent lists: every category whose
 * read reach in POLICY is `granted` (auditor: FAMILY, CARE, ENTITLEMENT, CONSENT, RIGHTS — not
 * IDENTITY, so names are pseudonymised; partner_consented: everything its row lists).
 */
export function grantedCategories(relationship: RelationshipName): Category[] {
  return (Object.entries(POLICY[relationship]) as [Category, { read?: string }][]).filter(([, cell]) => cell.read === 'granted').map(([c]) => c);
}

/** The staff role a token needs for a staff relationship. */
const STAFF_ROLE: Partial<Record<RelationshipName, StaffRole>> = {
  care_worker: StaffRole.CARE_WORKER,
  emergency: StaffRole.CARE_WORKER,
  behavioural_expert: StaffRole.BEHAVIOURAL_EXPERT,
  admin_support: StaffRole.ADMIN_SUPPORT,
  privacy_officer: StaffRole.PRIVACY_OFFICER,
  auditor: StaffRole.AUDITOR,
};
const PARTNER_SCOPE: Partial<Record<RelationshipName, string>> = {
  partner_verwijsindex: 'verwijsindex',
  partner_municipality: 'municipality',
  partner_consented: 'consented',
};

export interface RelationshipFixture {
  relationship: RelationshipName;
  org: Organisation;
  /** The viewer's token: exactly `relationship` to `dossier`. */
  token: string;
  dossier: Dossier;
  subject: Person;
  persons: Record<PersonRole, Person>;
  members: Record<RelativeRole, FamilyMember>;
  viewerPerson?: Person;
  viewerProfessional?: Professional;
  assignedWorker: Professional;
  colleague: Professional;
  entries: Record<EntryKey, Entry>;
  workNotes: Record<WorkNoteKey, WorkNote>;
  goals: SupportPlanGoal[];
  entitlements: Entitlement[];
  /** Every consent of the dossier (a DISCLOSURE to a third party; for partner_consented also the partner's). */
  consents: Consent[];
  rightsRequests: Record<RightsRequestKey, RightsRequest>;
  /** What the auditor grant / partner consent lists (reach `granted`). */
  granted: Category[];
  /** Same credentials (sub, person, client id) under another organisation. */
  otherOrgToken: string;
  /** A viewer of the same kind in the same organisation without any relationship to the dossier. */
  noRelationshipToken: string;
  /** For staff: the token's role; for partners: the scope. */
  staffRole?: StaffRole;
  partnerScope?: string;
  partnerClientId?: string;
}

const uniquePhone = () => `06-${String(randomInt(10_000_000, 99_999_999))}`;

/** A person with every Person field filled in, unique values throughout. */
function fullPerson(age: number, addressConfidential = false) {
  const id = rnd();
  return aPerson().aged(age).with({
    gender: Gender.FEMALE, nationality: 'NL', street: `Kerkstraat ${randomInt(1, 999)} ${id}`, postalCode: '3511 AB', city: 'Utrecht',
    phone: uniquePhone(), email: `p${id}@example.org`, idDocumentType: IdDocumentType.ID_CARD, idDocumentNumber: `ID${id.toUpperCase()}`,
    addressConfidential,
  });
}

async function assign(app: TestApp, org: Organisation, dossier: Dossier, professional: Professional, role: AssignmentRole): Promise<void> {
  await app.db.ds.getRepository(CareTeamAssignment).insert({
    organisationId: org.id, dossierId: dossier.id, professionalId: professional.id, role, validFrom: new Date(Date.now() - 86400_000), validUntil: null,
  });
}

/** An active break-the-glass access (§9) of `professional` to `dossier`. */
export async function anEmergencyAccess(app: TestApp, org: Organisation, dossier: Dossier, professional: Professional): Promise<EmergencyAccess> {
  const repo = app.db.ds.getRepository(EmergencyAccess);
  return repo.save(repo.create({
    organisationId: org.id, dossierId: dossier.id, professionalId: professional.id, professionalRole: StaffRole.CARE_WORKER,
    reason: 'Acute zorg over veiligheid van het kind, geen toegewezen collega bereikbaar', startedAt: new Date(Date.now() - 60_000),
    expiresAt: new Date(Date.now() + 4 * 3600_000), reviewOutcome: null, reviewNote: null, reviewedById: null, reviewedAt: null,
  }));
}

/**
 * Builds ONE fully populated dossier in `org` and gives a new viewer exactly `relationship` to it.
 * `org` should be used for this fixture only: some relationships reach every dossier of the
 * organisation that matches (privacy officer, verwijsindex, municipality).
 */
export async function withRelationship(app: TestApp, org: Organisation, relationship: RelationshipName): Promise<RelationshipFixture> {
  const ds = app.db.ds;
  const assignedWorker = await aProfessional(ds, org);
  const colleague = await aProfessional(ds, org);
  const subject = await fullPerson(SUBJECT_AGE[relationship]).build(ds, org);
  const relatives = {} as Record<RelativeRole, Person>;
  for (const role of RELATIVES) relatives[role] = await fullPerson(FAMILY_SHAPE[role].age, FAMILY_SHAPE[role].addressConfidential).build(ds, org);

  let builder = aDossier().withSubject(subject).withAssignment(assignedWorker, AssignmentRole.CARE_WORKER).withGoal(`Doel ${rnd()}`).withEntitlement()
    .withWorkNote(assignedWorker, `Werkaantekening ${rnd()}`).withWorkNote(colleague, `Werkaantekening collega ${rnd()}`)
    .with({ verwijsindexSignalOn: addMonths(dutchToday(), -1) });
  for (const role of RELATIVES) builder = builder.withRelative(relatives[role], FAMILY_SHAPE[role].relation, FAMILY_SHAPE[role].custody);
  for (const [key, hiddenFrom] of Object.entries(ENTRY_SHAPE)) {
    builder = builder.withEntry({ authorId: assignedWorker.id, text: `Journaal ${key} ${rnd()}`, hiddenFrom: [...hiddenFrom] });
  }
  const built: BuiltDossier = await builder.build(ds, org);
  const { dossier } = built;

  const members = {} as Record<RelativeRole, FamilyMember>;
  for (const role of RELATIVES) members[role] = built.relatives.find((r) => r.person.id === relatives[role].id)!.member;
  const entries = {} as Record<EntryKey, Entry>;
  (Object.keys(ENTRY_SHAPE) as EntryKey[]).forEach((key, i) => (entries[key] = built.entries[i]));
  const notes = await ds.getRepository(WorkNote).findBy({ dossierId: dossier.id });
  const workNotes: Record<WorkNoteKey, WorkNote> = {
    byAssignedWorker: notes.find((n) => n.authorId === assignedWorker.id)!,
    byColleague: notes.find((n) => n.authorId === colleague.id)!,
  };
  const goals = await ds.getRepository(SupportPlanGoal).findBy({ dossierId: dossier.id });
  const entitlements = await ds.getRepository(Entitlement).findBy({ dossierId: dossier.id });

  const consents: Consent[] = [await aDisclosureConsent(ds, org, dossier, `school-${rnd()}`, [Category.CARE])];
  const rightsRepo = ds.getRepository(RightsRequest);
  const rightsRequests: Record<RightsRequestKey, RightsRequest> = {
    filedByParent: await rightsRepo.save(rightsRepo.create({
      organisationId: org.id, dossierId: dossier.id, type: RightsRequestType.ACCESS, requesterPersonIds: [relatives.custodialParent.id],
      receivedOn: dutchToday(), dueOn: addMonths(dutchToday(), 1), status: RightsRequestStatus.OPEN,
    })),
  };

  const persons: Record<PersonRole, Person> = { subject, ...relatives };
  const granted = grantedCategories(relationship);
  const staffRole = STAFF_ROLE[relationship];
  const partnerScope = PARTNER_SCOPE[relationship];
  const otherOrg = await anOrganisation(ds);
  const fixture: Omit<RelationshipFixture, 'token' | 'otherOrgToken' | 'noRelationshipToken'> = {
    relationship, org, dossier, subject, persons, members, assignedWorker, colleague, entries, workNotes, goals, entitlements, consents, rightsRequests,
    granted, staffRole, partnerScope,
  };

  let token: string;
  let otherOrgToken: string;
  let noRelationshipToken: string;
  if (staffRole) {
    let viewer: Professional | string;
    switch (relationship) {
      case 'care_worker':
        viewer = assignedWorker;
        break;
      case 'emergency':
        viewer = await aProfessional(ds, org);
        await anEmergencyAccess(app, org, dossier, viewer);
        break;
      case 'behavioural_expert':
        viewer = await aProfessional(ds, org);
        await assign(app, org, dossier, viewer, AssignmentRole.BEHAVIOURAL_EXPERT);
        break;
      case 'admin_support':
        viewer = await aProfessional(ds, org);
        await assign(app, org, dossier, viewer, AssignmentRole.ADMIN_SUPPORT);
        break;
      case 'privacy_officer':
        viewer = await aProfessional(ds, org);
        break;
      case 'auditor': {
        viewer = `auditor-${rnd()}`;
        const officer = await aProfessional(ds, org);
        await anAuditorGrant(ds, org, officer, { auditorSubject: viewer, dossierIds: [dossier.id], categories: granted });
        break;
      }
      default:
        throw new Error(`no staff fixture for ${relationship}`);
    }
    if (typeof viewer !== 'string') fixture.viewerProfessional = viewer;
    const sub = typeof viewer === 'string' ? viewer : viewer.subject;
    token = await app.staffToken(org, staffRole, sub);
    otherOrgToken = await app.staffToken(otherOrg, staffRole, sub);
    // The privacy officer reaches every dossier of the organisation: the stranger is an auditor without a grant.
    noRelationshipToken = await app.staffToken(org, relationship === 'privacy_officer' ? StaffRole.AUDITOR : staffRole, `stranger-${rnd()}`);
  } else if (partnerScope) {
    const clientId = `partner-${partnerScope}-${rnd()}`;
    fixture.partnerClientId = clientId;
    if (relationship === 'partner_consented') consents.push(await aDisclosureConsent(ds, org, dossier, clientId, granted));
    token = await app.partnerToken(org, partnerScope, clientId);
    otherOrgToken = await app.partnerToken(otherOrg, partnerScope, clientId);
    // verwijsindex and municipality reach every matching dossier: the stranger is a consented-scope partner without a consent.
    noRelationshipToken = await app.partnerToken(org, 'consented', `stranger-${rnd()}`);
  } else {
    const role = VIEWER[relationship].person;
    if (!role) throw new Error(`no client fixture for ${relationship}`);
    const person = persons[role];
    fixture.viewerPerson = person;
    token = await app.clientToken(person);
    // The same person claimed under another organisation.
    otherOrgToken = await app.sign({ sub: `client-${person.id}`, role: 'client', person: person.id, org: otherOrg.id });
    // A relative without custody has no relationship to the dossier (§1).
    noRelationshipToken = await app.clientToken(relatives.otherAdult);
  }
  return { ...fixture, token, otherOrgToken, noRelationshipToken };
}

/** A dossier of the same organisation that the fixture's viewer has no relationship to (no assignment, grant, signal, entitlement, consent). */
export async function anUnrelatedDossier(app: TestApp, org: Organisation): Promise<BuiltDossier> {
  return aDossier().withSubject(fullPerson(10)).withParent(fullPerson(38)).withEntries(1, (await aProfessional(app.db.ds, org)).id).build(app.db.ds, org);
}

/**
 * A third dossier to which the fixture's viewer has a DIFFERENT relationship, where the data
 * model allows one for the same credentials: a care worker's break-the-glass access, an
 * emergency viewer's own assignment, a 17-year-old who is the custodial parent of a baby (§1).
 * `null` where no other relationship exists for these credentials.
 */
export async function withOtherRelationship(app: TestApp, f: RelationshipFixture): Promise<{ dossier: Dossier; relationship: RelationshipName } | null> {
  const ds = app.db.ds;
  const other = () => aDossier().withSubject(fullPerson(9)).withParent(fullPerson(35));
  switch (f.relationship) {
    case 'care_worker':
    case 'behavioural_expert': {
      const { dossier } = await other().build(ds, f.org);
      await anEmergencyAccess(app, f.org, dossier, f.viewerProfessional!);
      return { dossier, relationship: 'emergency' };
    }
    case 'emergency': {
      const { dossier } = await other().withAssignment(f.viewerProfessional!, AssignmentRole.CARE_WORKER).build(ds, f.org);
      return { dossier, relationship: 'care_worker' };
    }
    case 'youth_16_plus': {
      const { dossier } = await aDossier().withSubject(fullPerson(0)).withParent(f.subject, { custody: true, relation: FamilyRelation.MOTHER }).build(ds, f.org);
      return { dossier, relationship: 'parent' };
    }
    default:
      return null;
  }
}
