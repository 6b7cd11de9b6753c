import { Category, StaffRole } from '../entities/enums';
import { FIELD_CATEGORIES, isCategory } from './fields';
import type { WriteReach } from './policy';

/** Who may call a query at all; what it returns is then decided field by field. */
export type QueryRule = { who: 'authenticated' } | { who: 'staff'; roles: StaffRole[] };

/** Where a mutation finds the dossier it changes: an argument, or the row an argument names. */
export type DossierLocator =
  | { arg: string }
  | { arg: string; rowOf: 'family_member' | 'care_team_assignment' | 'support_plan_goal' | 'work_note' | 'consent' | 'rights_request' };

/**
 * A mutation's write rule (SPEC §5). Either it changes one dossier — then the viewer needs the
 * W cell of every category it writes, in that dossier — or it is a staff workflow open to
 * named roles (intake, break-the-glass, review, auditor grants), checked in its service.
 */
export type MutationRule =
  | {
      dossier: DossierLocator;
      /** What the access log records the write as. */
      action: 'CREATE' | 'UPDATE' | 'DELETE';
      /**
       * The type the mutation changes: each field given in `input` writes the same field of this
       * type (`UpdatePersonInput.bsn` writes `Person.bsn`, IDENTIFIERS).
       */
      target: string;
      /** Categories every call writes, whatever fields it is given. */
      writes: Category[];
      /** Nested inputs that write another type (`addFamilyMember`'s new person). */
      nested?: Record<string, string>;
      /**
       * The W reaches this write accepts (a consent step: `sign`, `coSign`). Default: any data
       * write; workflow reaches never count unless named here.
       */
      reaches?: WriteReach[];
    }
  | { roles: StaffRole[] };

const { CARE_WORKER, BEHAVIOURAL_EXPERT, ADMIN_SUPPORT, PRIVACY_OFFICER } = StaffRole;
const { FAMILY, CARE, ENTITLEMENT, WORK_NOTES, CONSENT, RIGHTS } = Category;
const careTeam = FIELD_CATEGORIES.Dossier.careTeam as Category;

export const QUERIES: Record<string, QueryRule> = {
  dossier: { who: 'authenticated' },
  dossiers: { who: 'authenticated' },
  emergencyAccessReviewQueue: { who: 'staff', roles: [PRIVACY_OFFICER] },
  auditorGrants: { who: 'staff', roles: [PRIVACY_OFFICER] },
  accessLogEvents: { who: 'staff', roles: [PRIVACY_OFFICER] },
  // Retention (§11): the organisation's rule and the proof of destruction, for the privacy officer.
  retentionSettings: { who: 'staff', roles: [PRIVACY_OFFICER] },
  destructionRecords: { who: 'staff', roles: [PRIVACY_OFFICER] },
  // Rights requests (§8): the privacy officer's queue; the export is for a requester of a granted
  // ACCESS/COPY/PORTABILITY request only (checked in its service, decided per field by the policy).
  rightsRequestQueue: { who: 'staff', roles: [PRIVACY_OFFICER] },
  rightsRequestExport: { who: 'authenticated' },
};

export const MUTATIONS: Record<string, MutationRule> = {
  // Intake (§5): opening a dossier writes its subject's identity, contact and identifiers.
  createDossier: { roles: [CARE_WORKER, ADMIN_SUPPORT] },
  updateDossier: { dossier: { arg: 'input.id' }, action: 'UPDATE', target: 'Dossier', writes: [] },
  updatePerson: { dossier: { arg: 'input.dossierId' }, action: 'UPDATE', target: 'Person', writes: [] },
  addFamilyMember: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'FamilyMember', writes: [FAMILY], nested: { 'input.person': 'Person' } },
  updateFamilyMember: { dossier: { arg: 'input.id', rowOf: 'family_member' }, action: 'UPDATE', target: 'FamilyMember', writes: [FAMILY] },
  removeFamilyMember: { dossier: { arg: 'id', rowOf: 'family_member' }, action: 'DELETE', target: 'FamilyMember', writes: [FAMILY] },
  assignCareTeamMember: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'CareTeamAssignment', writes: [careTeam] },
  endCareTeamAssignment: { dossier: { arg: 'input.id', rowOf: 'care_team_assignment' }, action: 'UPDATE', target: 'CareTeamAssignment', writes: [careTeam] },
  addEntitlement: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'Entitlement', writes: [ENTITLEMENT] },
  addSupportPlanGoal: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'SupportPlanGoal', writes: [CARE] },
  updateSupportPlanGoal: { dossier: { arg: 'input.id', rowOf: 'support_plan_goal' }, action: 'UPDATE', target: 'SupportPlanGoal', writes: [CARE] },
  addSupportPlanEvaluation: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'SupportPlanEvaluation', writes: [CARE] },
  addEntry: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'Entry', writes: [CARE] },
  addWorkNote: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'WorkNote', writes: [WORK_NOTES] },
  updateWorkNote: { dossier: { arg: 'input.id', rowOf: 'work_note' }, action: 'UPDATE', target: 'WorkNote', writes: [WORK_NOTES] },
  // Consent (§7): staff record it (W), parents and youths give and withdraw it (`sign`), a child
  // of 12–15 co-signs (`coSign`); who must sign for the subject's age is checked in its service.
  giveConsent: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'Consent', writes: [CONSENT], reaches: ['all', 'sign'] },
  coSignConsent: { dossier: { arg: 'id', rowOf: 'consent' }, action: 'UPDATE', target: 'Consent', writes: [CONSENT], reaches: ['sign', 'coSign'] },
  withdrawConsent: { dossier: { arg: 'id', rowOf: 'consent' }, action: 'UPDATE', target: 'Consent', writes: [CONSENT], reaches: ['all', 'sign', 'coSign'] },
  // An exchange outside Kluis is recorded by the care team (W on CONSENT); partner reads record their own.
  recordDisclosure: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'Disclosure', writes: [CONSENT] },
  // Break-the-glass (§9): any care worker or behavioural expert of the organisation, with a reason.
  startEmergencyAccess: { roles: [CARE_WORKER, BEHAVIOURAL_EXPERT] },
  reviewEmergencyAccess: { roles: [PRIVACY_OFFICER] },
  createAuditorGrant: { roles: [PRIVACY_OFFICER] },
  revokeAuditorGrant: { roles: [PRIVACY_OFFICER] },
  // Retention (§11): the organisation's rule is the privacy officer's; a legal hold is RIGHTS data
  // of the dossier (fields.ts), so §4's W cell decides who sets it — the privacy officer.
  setRetentionSettings: { roles: [PRIVACY_OFFICER] },
  setLegalHold: { dossier: { arg: 'input.dossierId' }, action: 'UPDATE', target: 'Dossier', writes: [RIGHTS] },
  // Rights requests (§8): the privacy officer registers them (W on RIGHTS), clients file their own
  // (`file`); who may file for the subject's age is checked in its service. A named co-requester
  // agrees with their own login. Extending and deciding are the privacy officer's alone.
  fileRightsRequest: { dossier: { arg: 'input.dossierId' }, action: 'CREATE', target: 'RightsRequest', writes: [RIGHTS], reaches: ['all', 'file'] },
  confirmRightsRequest: { dossier: { arg: 'id', rowOf: 'rights_request' }, action: 'UPDATE', target: 'RightsRequest', writes: [RIGHTS], reaches: ['file'] },
  extendRightsRequest: { roles: [PRIVACY_OFFICER] },
  decideRightsRequest: { roles: [PRIVACY_OFFICER] },
};

/** Input fields that carry no data of their own (identifiers of what is changed, lock versions). */
const NON_DATA_INPUT_FIELDS = new Set(['id', 'dossierId', 'version', 'personId', 'professionalId']);

/**
 * The categories and field paths an input writes: each given field counts as writing the same
 * field of the output type (`UpdatePersonInput.bsn` writes `Person.bsn`, IDENTIFIERS). A given
 * field without a known category makes the write impossible (fail closed).
 */
export function inputWrites(input: Record<string, unknown> | undefined, typeName: string): { categories: Category[]; paths: string[] } | null {
  const categories = new Set<Category>();
  const paths: string[] = [];
  for (const [field, value] of Object.entries(input ?? {})) {
    if (value === undefined || NON_DATA_INPUT_FIELDS.has(field)) continue;
    const category = FIELD_CATEGORIES[typeName]?.[field];
    if (!isCategory(category)) return null;
    categories.add(category);
    paths.push(`${typeName}.${field}`);
  }
  return { categories: [...categories], paths };
}
