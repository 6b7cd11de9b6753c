import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DossierStatus, DossierType } from '../entities/enums';
import { ConsentConnection } from './consent.type';
import { DossierAccess } from './dossier-access.type';
import { RightsRequestConnection } from './rights-request.type';
import { AccessLogEntryConnection } from './access-log.type';
import { CareTeamAssignmentConnection } from './care-team-assignment.type';
import { EntitlementConnection } from './entitlement.type';
import { EntryConnection } from './entry.type';
import { FamilyMemberConnection } from './family-member.type';
import { ConnectionType } from './pagination';
import { Person } from './person.type';
import { DateTime, LocalDate } from './scalars';
import { SupportPlan } from './support-plan.type';
import { WorkNoteConnection } from './work-note.type';

registerEnumType(DossierStatus, { name: 'DossierStatus' });
registerEnumType(DossierType, { name: 'DossierType' });

/**
 * A client dossier. Relations are resolved by the DossierResolver's field resolvers (batched per
 * request); the declarations here only give their GraphQL shape.
 */
@ObjectType()
export class Dossier {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'Optimistic-locking version; send it back with an update.' })
  version: number;

  @Field(() => DossierStatus, { nullable: true })
  status: DossierStatus | null;

  @Field(() => DossierType, { nullable: true })
  type: DossierType | null;

  @Field(() => LocalDate, { nullable: true })
  openedOn: string | null;

  @Field(() => LocalDate, { nullable: true })
  closedOn: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Date of the active verwijsindex signal, if any.' })
  verwijsindexSignalOn: string | null;

  @Field(() => Boolean, { nullable: true })
  legalHold: boolean | null;

  @Field(() => String, { nullable: true, description: 'Why the legal hold was last set or lifted (setLegalHold).' })
  legalHoldReason: string | null;

  @Field(() => DateTime, { nullable: true })
  legalHoldChangedAt: Date | null;

  @Field(() => Person, { nullable: true })
  subject: Person | null;

  @Field(() => FamilyMemberConnection, { nullable: true })
  family: InstanceType<typeof FamilyMemberConnection> | null;

  @Field(() => CareTeamAssignmentConnection, { nullable: true })
  careTeam: InstanceType<typeof CareTeamAssignmentConnection> | null;

  @Field(() => EntitlementConnection, { nullable: true })
  entitlements: InstanceType<typeof EntitlementConnection> | null;

  @Field(() => SupportPlan, { nullable: true })
  supportPlan: SupportPlan | null;

  @Field(() => EntryConnection, { nullable: true })
  entries: InstanceType<typeof EntryConnection> | null;

  @Field(() => WorkNoteConnection, { nullable: true })
  workNotes: InstanceType<typeof WorkNoteConnection> | null;

  @Field(() => ConsentConnection, { nullable: true })
  consents: InstanceType<typeof ConsentConnection> | null;

  @Field(() => RightsRequestConnection, { nullable: true })
  rightsRequests: InstanceType<typeof RightsRequestConnection> | null;

  @Field(() => AccessLogEntryConnection, { nullable: true })
  accessLog: InstanceType<typeof AccessLogEntryConnection> | null;

  @Field(() => DossierAccess)
  myAccess: DossierAccess;
}

export const DossierConnection = ConnectionType('Dossier', Dossier);
