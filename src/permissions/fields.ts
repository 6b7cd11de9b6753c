import { Category } from '../entities/enums';

/** Not personal data: ids, versions, connection plumbing, staff display names. */
export const PUBLIC = 'PUBLIC' as const;
/**
 * Fields of staff-workflow types (the emergency review queue, auditor grants, `myAccess`) that are
 * reached only through an operation whose shield rule already admitted the viewer for all of it.
 */
export const OPERATION = 'OPERATION' as const;
export type FieldClass = Category | typeof PUBLIC | typeof OPERATION;

const { IDENTITY, CONTACT, IDENTIFIERS, FAMILY, CARE, WORK_NOTES, ENTITLEMENT, CONSENT, RIGHTS, ACCESS_LOG } = Category;

/**
 * The category of every field of every object type reached from a dossier (SPEC §3). This table
 * is the single source: the schema's `@category` directives, the shield rules, the permissions
 * document and the permission tests are all generated from it. A field missing here is denied
 * (and the schema lint test fails).
 *
 * A field that returns an object carries the category of the relation itself (`family`: FAMILY);
 * the object's own fields then carry theirs (a family member's `firstName`: IDENTITY).
 */
export const FIELD_CATEGORIES: Record<string, Record<string, FieldClass>> = {
  Dossier: {
    id: PUBLIC,
    version: PUBLIC,
    status: ENTITLEMENT,
    type: ENTITLEMENT,
    openedOn: ENTITLEMENT,
    closedOn: ENTITLEMENT,
    // A verwijsindex signal records concern about a child: care information.
    verwijsindexSignalOn: CARE,
    // Legal hold exists because of a dispute or request: it belongs with the rights requests.
    legalHold: RIGHTS,
    legalHoldReason: RIGHTS,
    legalHoldChangedAt: RIGHTS,
    subject: PUBLIC,
    family: FAMILY,
    careTeam: ENTITLEMENT,
    entitlements: ENTITLEMENT,
    supportPlan: CARE,
    entries: CARE,
    workNotes: WORK_NOTES,
    consents: CONSENT,
    disclosures: CONSENT,
    rightsRequests: RIGHTS,
    accessLog: ACCESS_LOG,
    myAccess: PUBLIC,
  },
  Person: {
    id: PUBLIC,
    version: PUBLIC,
    firstName: IDENTITY,
    lastName: IDENTITY,
    dateOfBirth: IDENTITY,
    gender: IDENTITY,
    nationality: IDENTITY,
    street: CONTACT,
    postalCode: CONTACT,
    city: CONTACT,
    phone: CONTACT,
    email: CONTACT,
    addressConfidential: CONTACT,
    bsn: IDENTIFIERS,
    idDocumentType: IDENTIFIERS,
    idDocumentNumber: IDENTIFIERS,
  },
  FamilyMember: { id: PUBLIC, relation: FAMILY, hasCustody: FAMILY, informedOfRegistration: FAMILY, person: FAMILY },
  // Who is on the care team is administrative dossier data: support staff manage it (§5),
  // care workers and clients read it, like the entitlement it rests on.
  CareTeamAssignment: { id: PUBLIC, role: ENTITLEMENT, validFrom: ENTITLEMENT, validUntil: ENTITLEMENT, professional: ENTITLEMENT },
  Professional: { id: PUBLIC, displayName: PUBLIC },
  Entitlement: { id: PUBLIC, municipality: ENTITLEMENT, decisionNumber: ENTITLEMENT, product: ENTITLEMENT, validFrom: ENTITLEMENT, validUntil: ENTITLEMENT },
  SupportPlan: { id: PUBLIC, updatedAt: CARE, goals: CARE, evaluations: CARE },
  SupportPlanGoal: { id: PUBLIC, text: CARE, status: CARE },
  SupportPlanEvaluation: { id: PUBLIC, evaluatedOn: CARE, text: CARE },
  Entry: { id: PUBLIC, kind: CARE, occurredOn: CARE, text: CARE, hiddenFrom: CARE, author: CARE },
  WorkNote: { id: PUBLIC, text: WORK_NOTES, createdAt: WORK_NOTES, updatedAt: WORK_NOTES },
  Consent: {
    id: PUBLIC, kind: CONSENT, status: CONSENT, recipientName: CONSENT, recipientClientId: CONSENT, recipientPersonId: CONSENT, purpose: CONSENT,
    categories: CONSENT, scope: CONSENT, method: CONSENT, validFrom: CONSENT, validUntil: CONSENT, givenAt: CONSENT, signedBy: CONSENT,
    awaitingSignature: CONSENT, consumedAt: CONSENT, withdrawnAt: CONSENT,
  },
  ConsentSignature: { personId: CONSENT, capacity: CONSENT, signedAt: CONSENT },
  Disclosure: {
    id: PUBLIC, recipientName: CONSENT, recipientClientId: CONSENT, categories: CONSENT, disclosedAt: CONSENT, legalBasis: CONSENT, consentId: CONSENT,
    legalDuty: CONSENT, safetyReason: CONSENT, consultedColleagueRole: CONSENT, clientInformed: CONSENT, clientInformedHow: CONSENT,
    clientInformedAt: CONSENT, clientNotInformedReason: CONSENT,
  },
  RightsRequest: {
    id: PUBLIC, type: RIGHTS, status: RIGHTS, receivedOn: RIGHTS, dueOn: RIGHTS, extendedDueOn: RIGHTS, decision: RIGHTS,
    refusalGround: RIGHTS, decidedAt: RIGHTS,
    // Which dossier a request is about is itself sensitive (§3: a dossier's existence), so RIGHTS, not PUBLIC.
    dossierId: RIGHTS, requesterPersonIds: RIGHTS, awaitingPersonIds: RIGHTS, description: RIGHTS, effectiveDueOn: RIGHTS, overdue: RIGHTS,
    extensionReason: RIGHTS, extensionDecidedAt: RIGHTS, verification: RIGHTS, decisionNote: RIGHTS, carriedOutAt: RIGHTS,
  },
  // How the requesters' identity was checked (§8): method, document type, by whom, when — never a copy or number.
  RightsRequestVerification: { method: RIGHTS, documentType: RIGHTS, verifiedAt: RIGHTS, verifiedBy: RIGHTS },
  AccessLogEntry: {
    id: PUBLIC, occurredAt: ACCESS_LOG, actorRole: ACCESS_LOG, relationship: ACCESS_LOG, action: ACCESS_LOG, categories: ACCESS_LOG,
    fields: ACCESS_LOG, outcome: ACCESS_LOG, purpose: ACCESS_LOG, emergency: ACCESS_LOG, summary: ACCESS_LOG, legalBasis: ACCESS_LOG,
    organisation: ACCESS_LOG,
  },
  // The privacy officer's log search: the whole result is admitted by its operation rule.
  AccessLogEvent: Object.fromEntries(
    ['id', 'occurredAt', 'actorSub', 'actorRole', 'relationship', 'clientApp', 'action', 'dossierId', 'subjectPersonId', 'grantedFields',
      'deniedFields', 'pseudonymisedFields', 'outcome', 'checkAuthorisation', 'checkCareRelationship', 'checkConsent', 'checkEmergency',
      'purpose', 'legalBasisRef', 'requestId', 'operationName', 'sourceAddress'].map((f) => [f, OPERATION]),
  ),
  // The viewer's own access: telling a viewer what they may see reveals nothing else.
  DossierAccess: { relationships: PUBLIC, read: PUBLIC, write: PUBLIC, reaches: PUBLIC, emergency: PUBLIC, expiresAt: PUBLIC },
  CategoryAccess: { category: PUBLIC, read: PUBLIC, write: PUBLIC },
  EmergencyAccess: {
    id: OPERATION, dossierId: OPERATION, professional: OPERATION, reason: OPERATION, startedAt: OPERATION, expiresAt: OPERATION,
    reviewOutcome: OPERATION, reviewNote: OPERATION, reviewedAt: OPERATION,
  },
  // Retention (§11): the privacy officer's settings and proof of destruction, admitted whole by
  // their operation rules; a destruction record holds ids, type and dates, no personal data.
  RetentionSettings: { retentionMonths: OPERATION, retentionAnchor: OPERATION, youthProtectionRetentionMonths: OPERATION },
  DestructionRecord: Object.fromEntries(
    ['id', 'dossierId', 'dossierType', 'retentionMonths', 'retentionAnchor', 'anchorDate', 'expiresOn', 'destroyedAt', 'reason', 'rightsRequestId']
      .map((f) => [f, OPERATION]),
  ),
  AuditorGrant: {
    id: OPERATION, auditorSubject: OPERATION, purpose: OPERATION, dossierIds: OPERATION, categories: OPERATION, validFrom: OPERATION,
    validUntil: OPERATION, revokedAt: OPERATION,
  },
};

/** Connection plumbing: no data of its own, every node decides for itself. */
export function isConnectionType(typeName: string): boolean {
  return typeName === 'PageInfo' || typeName.endsWith('Connection') || typeName.endsWith('Edge');
}

/** Whether a decision is a data category (as opposed to PUBLIC or OPERATION). */
export function isCategory(decision: FieldClass | undefined): decision is Category {
  return decision !== undefined && decision !== PUBLIC && decision !== OPERATION;
}

/** The category of a field, or undefined when the policy has no decision for it (then: deny). */
export function categoryOf(typeName: string, fieldName: string): FieldClass | undefined {
  if (isConnectionType(typeName)) return PUBLIC;
  return FIELD_CATEGORIES[typeName]?.[fieldName];
}
