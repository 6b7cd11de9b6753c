import { AccessLogEvent } from './access-log-event.entity';
import { AuditorGrant } from './auditor-grant.entity';
import { CareTeamAssignment } from './care-team-assignment.entity';
import { Consent, ConsentSignature } from './consent.entity';
import { DestructionRecord } from './destruction-record.entity';
import { Disclosure } from './disclosure.entity';
import { Dossier } from './dossier.entity';
import { EmergencyAccess } from './emergency-access.entity';
import { Entitlement } from './entitlement.entity';
import { Entry } from './entry.entity';
import { FamilyMember } from './family-member.entity';
import { Organisation } from './organisation.entity';
import { Person } from './person.entity';
import { Professional } from './professional.entity';
import { RightsRequest } from './rights-request.entity';
import { SupportPlan, SupportPlanEvaluation, SupportPlanGoal } from './support-plan.entity';
import { WorkNote } from './work-note.entity';

export {
  AccessLogEvent, AuditorGrant, CareTeamAssignment, Consent, ConsentSignature, DestructionRecord, Disclosure, Dossier, EmergencyAccess,
  Entitlement, Entry, FamilyMember, Organisation, Person, Professional, RightsRequest, SupportPlan,
  SupportPlanEvaluation, SupportPlanGoal, WorkNote,
};

export const ENTITIES = [
  Organisation, Professional, Person, Dossier, CareTeamAssignment, FamilyMember, Entitlement,
  SupportPlan, SupportPlanGoal, SupportPlanEvaluation, Entry, WorkNote, Consent, ConsentSignature,
  Disclosure, RightsRequest, EmergencyAccess, AuditorGrant, AccessLogEvent, DestructionRecord,
];
