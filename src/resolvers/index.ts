import { RightsRequestResolver, RightsRequestVerificationResolver } from './rights-request.resolver';
import { AccessLogResolver } from './access-log.resolver';
import { AccessLogEntryResolver } from './access-log-entry.resolver';
import { AuditorGrantResolver } from './auditor-grant.resolver';
import { EmergencyAccessResolver } from './emergency-access.resolver';
import { CareTeamAssignmentResolver } from './care-team-assignment.resolver';
import { ConsentResolver } from './consent.resolver';
import { DossierResolver } from './dossier.resolver';
import { EntitlementResolver } from './entitlement.resolver';
import { EntryResolver } from './entry.resolver';
import { FamilyMemberResolver } from './family-member.resolver';
import { PersonResolver } from './person.resolver';
import { RetentionResolver } from './retention.resolver';
import { SupportPlanResolver } from './support-plan.resolver';
import { WorkNoteResolver } from './work-note.resolver';

export const RESOLVERS = [
  DossierResolver, PersonResolver, FamilyMemberResolver, CareTeamAssignmentResolver, EntitlementResolver,
  SupportPlanResolver, EntryResolver, WorkNoteResolver, EmergencyAccessResolver, AuditorGrantResolver, AccessLogResolver, AccessLogEntryResolver,
  RetentionResolver,
  ConsentResolver,
  RightsRequestResolver, RightsRequestVerificationResolver,
] as const;
