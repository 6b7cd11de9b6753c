/** Enumerations shared by entities, GraphQL types and the policy. Stored as text with CHECK constraints. */

export enum StaffRole {
  CARE_WORKER = 'care_worker',
  BEHAVIOURAL_EXPERT = 'behavioural_expert',
  ADMIN_SUPPORT = 'admin_support',
  PRIVACY_OFFICER = 'privacy_officer',
  AUDITOR = 'auditor',
}

export enum AssignmentRole {
  CARE_WORKER = 'CARE_WORKER',
  BEHAVIOURAL_EXPERT = 'BEHAVIOURAL_EXPERT',
  ADMIN_SUPPORT = 'ADMIN_SUPPORT',
}

export enum Gender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  NON_BINARY = 'NON_BINARY',
  UNKNOWN = 'UNKNOWN',
}

export enum IdDocumentType {
  PASSPORT = 'PASSPORT',
  ID_CARD = 'ID_CARD',
  DRIVING_LICENCE = 'DRIVING_LICENCE',
  RESIDENCE_PERMIT = 'RESIDENCE_PERMIT',
}

export enum DossierStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}

export enum DossierType {
  YOUTH_CARE = 'YOUTH_CARE',
  YOUTH_PROTECTION = 'YOUTH_PROTECTION',
}

export enum FamilyRelation {
  MOTHER = 'MOTHER',
  FATHER = 'FATHER',
  PARENT = 'PARENT',
  FOSTER_PARENT = 'FOSTER_PARENT',
  GUARDIAN = 'GUARDIAN',
  SIBLING = 'SIBLING',
  GRANDPARENT = 'GRANDPARENT',
  OTHER = 'OTHER',
}

export enum GoalStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  ACHIEVED = 'ACHIEVED',
  STOPPED = 'STOPPED',
}

export enum EntryKind {
  CONTACT = 'CONTACT',
  OBSERVATION = 'OBSERVATION',
  EVALUATION = 'EVALUATION',
  QUESTIONNAIRE = 'QUESTIONNAIRE',
  CORRESPONDENCE = 'CORRESPONDENCE',
}

/** Groups an entry can be hidden from (SPEC §2, §4 note 2). */
export enum HiddenFrom {
  PARENTS = 'PARENTS',
  SUBJECT = 'SUBJECT',
}

export enum Category {
  IDENTITY = 'IDENTITY',
  CONTACT = 'CONTACT',
  IDENTIFIERS = 'IDENTIFIERS',
  FAMILY = 'FAMILY',
  CARE = 'CARE',
  WORK_NOTES = 'WORK_NOTES',
  ENTITLEMENT = 'ENTITLEMENT',
  CONSENT = 'CONSENT',
  RIGHTS = 'RIGHTS',
  ACCESS_LOG = 'ACCESS_LOG',
}

export enum ConsentKind {
  /** Disclosure of categories to a named recipient (SPEC §7). */
  DISCLOSURE = 'DISCLOSURE',
  /** A youth of 16+ lets a parent with custody keep reading the dossier (SPEC §1, §7). */
  PARENTAL_ACCESS = 'PARENTAL_ACCESS',
}

export enum ConsentScope {
  SINGLE_EXCHANGE = 'SINGLE_EXCHANGE',
  PERIOD = 'PERIOD',
}

export enum ConsentMethod {
  WRITTEN = 'WRITTEN',
  ORAL = 'ORAL',
  THREE_WAY_CONVERSATION = 'THREE_WAY_CONVERSATION',
}

export enum SignerCapacity {
  SUBJECT = 'SUBJECT',
  PARENT_WITH_CUSTODY = 'PARENT_WITH_CUSTODY',
}

export enum DisclosureBasis {
  CONSENT = 'CONSENT',
  LEGAL_DUTY = 'LEGAL_DUTY',
  SAFETY = 'SAFETY',
}

export enum RightsRequestType {
  ACCESS = 'ACCESS',
  COPY = 'COPY',
  RECTIFICATION = 'RECTIFICATION',
  ERASURE = 'ERASURE',
  RESTRICTION = 'RESTRICTION',
  PORTABILITY = 'PORTABILITY',
  OBJECTION = 'OBJECTION',
  EARLY_DESTRUCTION = 'EARLY_DESTRUCTION',
}

export enum RightsRequestStatus {
  /** Filed through the API by one requester; a named co-requester (a 12–15 child's parent) has yet to agree (SPEC §8). */
  AWAITING_AGREEMENT = 'AWAITING_AGREEMENT',
  OPEN = 'OPEN',
  DECIDED = 'DECIDED',
  CARRIED_OUT = 'CARRIED_OUT',
}

export enum RightsDecision {
  GRANTED = 'GRANTED',
  PARTIALLY_GRANTED = 'PARTIALLY_GRANTED',
  REFUSED = 'REFUSED',
}

export enum RefusalGround {
  LEGAL_RETENTION = 'LEGAL_RETENTION',
  CARE_OR_PROTECTION = 'CARE_OR_PROTECTION',
  LEGITIMATE_INTEREST = 'LEGITIMATE_INTEREST',
  THIRD_PARTY_RIGHTS = 'THIRD_PARTY_RIGHTS',
  PROFESSIONAL_OPINION = 'PROFESSIONAL_OPINION',
  MANIFESTLY_UNFOUNDED = 'MANIFESTLY_UNFOUNDED',
}

export enum VerificationMethod {
  IN_PERSON = 'IN_PERSON',
  DIGID = 'DIGID',
  VIDEO_CALL = 'VIDEO_CALL',
}

export enum EmergencyReviewOutcome {
  JUSTIFIED = 'JUSTIFIED',
  UNJUSTIFIED = 'UNJUSTIFIED',
}

export enum RetentionAnchor {
  LAST_CHANGE = 'LAST_CHANGE',
  LAST_CONTACT = 'LAST_CONTACT',
}

/** Why a dossier was destroyed (SPEC §8 EARLY_DESTRUCTION, §11). */
export enum DestructionReason {
  RETENTION_EXPIRED = 'RETENTION_EXPIRED',
  EARLY_DESTRUCTION = 'EARLY_DESTRUCTION',
}

export enum ConsentSigners {
  /** One custodian's signature suffices for a child under 12. */
  ONE = 'ONE',
  /** Every custodian must sign for a child under 12. */
  ALL = 'ALL',
}
