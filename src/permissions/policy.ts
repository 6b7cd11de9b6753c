import { Category } from '../entities/enums';

/**
 * The relationships a viewer can have to one dossier (SPEC §1, §9, §10). They are always derived
 * from data at request time — assignments, grants, emergency access, date of birth, custody,
 * consent — never taken from a token claim.
 */
export const RELATIONSHIPS = [
  'care_worker',
  'emergency',
  'behavioural_expert',
  'admin_support',
  'privacy_officer',
  'auditor',
  'parent',
  'child_12_15',
  'youth_16_plus',
  'partner_verwijsindex',
  'partner_municipality',
  'partner_consented',
] as const;
export type RelationshipName = (typeof RELATIONSHIPS)[number];

/**
 * How far a permission reaches inside a dossier: the conditions of the §4 table.
 * - all: everything of the category in the dossier
 * - own: only the viewer's own person (clients)
 * - subject: only the dossier's subject
 * - subjectBsn: only the subject's BSN (parents, verwijsindex)
 * - ownAndMinors: the viewer's own person and the children in the dossier, never a person whose
 *   address is confidential (§4 note 1: a parent does not see other adults' contact data)
 * - namesOnly: relatives' names, nothing else about them (children and youths)
 * - author: only rows the viewer wrote (work notes)
 * - notHidden: all, except entries hidden from the viewer's group (§4 note 2)
 * - granted: only if the auditor grant or the consent lists the category
 * - pseudonym: names replaced by a stable pseudonym per grant, other fields withheld, unless
 *   the auditor grant lists IDENTITY
 * - ownRequests: only rights requests the viewer filed
 * - dossierLog: the dossier's access log (§4 note 4)
 */
export const READ_REACHES = [
  'all', 'own', 'subject', 'subjectBsn', 'ownAndMinors', 'namesOnly', 'author', 'notHidden', 'granted', 'pseudonym', 'ownRequests', 'dossierLog',
] as const;
export type Reach = (typeof READ_REACHES)[number];

/**
 * Write reaches that allow one workflow step and never a change of dossier data (§4 note 3, §7):
 * - sign: give or withdraw a consent as §7 allows for the subject's age (parents, youths of 16+)
 * - coSign: add the signature a consent still awaits, or withdraw it (children of 12–15)
 * - file: file a rights request naming oneself as a requester, or agree to one that names oneself
 *   (§8: who may file depends on the subject's age; checked by the rights-request service)
 * A mutation accepts them only where its rule names them (operations.ts).
 */
export const WORKFLOW_WRITE_REACHES = ['sign', 'coSign', 'file'] as const;
export type WorkflowReach = (typeof WORKFLOW_WRITE_REACHES)[number];
export type WriteReach = Reach | WorkflowReach;
export const WORKFLOW_REACHES: ReadonlySet<WriteReach> = new Set<WriteReach>(WORKFLOW_WRITE_REACHES);

export interface Cell {
  read?: Reach;
  write?: WriteReach;
}

const R = (read: Reach = 'all'): Cell => ({ read });
const RW = (reach: Reach = 'all'): Cell => ({ read: reach, write: reach });
/** Reads all of the category; writes only through a consent workflow step. */
const R_SIGN = (write: WorkflowReach): Cell => ({ read: 'all', write });
/** Reads the viewer's own rights requests; writes only by filing one (or agreeing to one) that names the viewer (§8). */
const R_FILE: Cell = { read: 'ownRequests', write: 'file' };
const { IDENTITY, CONTACT, IDENTIFIERS, FAMILY, CARE, WORK_NOTES, ENTITLEMENT, CONSENT, RIGHTS, ACCESS_LOG } = Category;

/**
 * SPEC §4 as data: per relationship, which categories it reads and writes, and how far. A
 * missing cell is "never". This is the one policy source: the shield rules, the field guard,
 * `myAccess`, the permissions document and the permission tests are generated from it.
 * An organisation may narrow it (organisation.policy_narrowing), never widen it.
 */
export const POLICY: Record<RelationshipName, Partial<Record<Category, Cell>>> = {
  care_worker: {
    [IDENTITY]: RW(), [CONTACT]: RW(), [IDENTIFIERS]: RW(), [FAMILY]: RW(), [CARE]: RW(),
    [WORK_NOTES]: RW('author'), [ENTITLEMENT]: R(), [CONSENT]: RW(), [RIGHTS]: R(),
  },
  // Break-the-glass (§9): read-only, never work notes.
  emergency: {
    [IDENTITY]: R(), [CONTACT]: R(), [IDENTIFIERS]: R(), [FAMILY]: R(), [CARE]: R(), [ENTITLEMENT]: R(), [CONSENT]: R(),
  },
  behavioural_expert: { [IDENTITY]: R(), [FAMILY]: R(), [CARE]: R(), [CONSENT]: R() },
  admin_support: {
    [IDENTITY]: RW(), [CONTACT]: RW(), [IDENTIFIERS]: RW(), [FAMILY]: R(), [ENTITLEMENT]: RW(), [CONSENT]: R(), [RIGHTS]: R(),
  },
  privacy_officer: { [IDENTITY]: R(), [CONSENT]: R(), [RIGHTS]: RW(), [ACCESS_LOG]: R() },
  // Auditors see what their grant lists (§10); grants never list CONTACT, IDENTIFIERS, WORK_NOTES.
  auditor: {
    [IDENTITY]: R('pseudonym'), [FAMILY]: R('granted'), [CARE]: R('granted'), [ENTITLEMENT]: R('granted'),
    [CONSENT]: R('granted'), [RIGHTS]: R('granted'),
  },
  parent: {
    [IDENTITY]: R(), [CONTACT]: R('ownAndMinors'), [IDENTIFIERS]: R('subjectBsn'), [FAMILY]: R(), [CARE]: R('notHidden'),
    [ENTITLEMENT]: R(), [CONSENT]: R_SIGN('sign'), [RIGHTS]: R_FILE, [ACCESS_LOG]: R('dossierLog'),
  },
  child_12_15: {
    [IDENTITY]: R(), [CONTACT]: R('own'), [FAMILY]: R('namesOnly'), [CARE]: R('notHidden'), [CONSENT]: R_SIGN('coSign'),
    [RIGHTS]: R_FILE, [ACCESS_LOG]: R('dossierLog'),
  },
  youth_16_plus: {
    [IDENTITY]: R(), [CONTACT]: R('own'), [IDENTIFIERS]: R('own'), [FAMILY]: R('namesOnly'), [CARE]: R('notHidden'),
    [ENTITLEMENT]: R(), [CONSENT]: R_SIGN('sign'), [RIGHTS]: R_FILE, [ACCESS_LOG]: R('dossierLog'),
  },
  // Partner applications (§1): legal duty or consent, each read also recorded as a disclosure.
  partner_verwijsindex: { [IDENTIFIERS]: R('subjectBsn') },
  partner_municipality: { [IDENTITY]: R('subject'), [IDENTIFIERS]: R('subject'), [ENTITLEMENT]: R() },
  partner_consented: {
    [IDENTITY]: R('granted'), [CONTACT]: R('granted'), [IDENTIFIERS]: R('granted'), [FAMILY]: R('granted'), [CARE]: R('granted'),
    [ENTITLEMENT]: R('granted'),
  },
};

/** Client relationships: contact data of a person with a confidential address never reaches them (§4 note 1). */
export const CLIENT_RELATIONSHIPS: ReadonlySet<RelationshipName> = new Set(['parent', 'child_12_15', 'youth_16_plus']);
export const PARTNER_RELATIONSHIPS: ReadonlySet<RelationshipName> = new Set(['partner_verwijsindex', 'partner_municipality', 'partner_consented']);

/** The group an entry can be hidden from, per client relationship (§2 `hiddenFrom`). */
export const HIDDEN_FROM_GROUP: Partial<Record<RelationshipName, 'PARENTS' | 'SUBJECT'>> = {
  parent: 'PARENTS',
  child_12_15: 'SUBJECT',
  youth_16_plus: 'SUBJECT',
};

/** Purpose of use recorded in the access log per relationship (§6). */
export const PURPOSE: Record<RelationshipName, string> = {
  care_worker: 'TREAT', behavioural_expert: 'TREAT', admin_support: 'TREAT', emergency: 'ETREAT', privacy_officer: 'RIGHTS',
  auditor: 'AUDIT', parent: 'RIGHTS', child_12_15: 'RIGHTS', youth_16_plus: 'RIGHTS', partner_verwijsindex: 'VERWIJSINDEX',
  partner_municipality: 'BILLING', partner_consented: 'CONSENTED_SHARE',
};

/** Categories an auditor grant may never list (§10). */
export const NEVER_GRANTED_TO_AUDITORS: ReadonlySet<Category> = new Set([CONTACT, IDENTIFIERS, WORK_NOTES, ACCESS_LOG]);

/** The first and last name: what `namesOnly` and `pseudonym` are about. */
export const NAME_FIELDS: ReadonlySet<string> = new Set(['firstName', 'lastName']);
