import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { IsBoolean, IsDate, IsIn, IsOptional, IsUUID, Length } from 'class-validator';
import { Category } from '../entities/enums';
import { ConnectionType } from './pagination';
import { DateTime } from './scalars';

export enum AccessOutcome {
  GRANTED = 'GRANTED',
  DENIED = 'DENIED',
}
registerEnumType(AccessOutcome, { name: 'AccessOutcome' });

@ObjectType({ description: 'One access to a dossier, in plain terms, as shown to the client (Wabvpz art. 15e, NEN 7513 §9).' })
export class AccessLogEntry {
  @Field(() => ID)
  id: string;

  @Field(() => DateTime, { nullable: true })
  occurredAt: Date | null;

  @Field(() => String, { nullable: true, description: 'care_worker, behavioural_expert, client, partner, …' })
  actorRole: string | null;

  @Field(() => String, { nullable: true, description: 'How the accessor was related to the dossier: care_worker, emergency, parent, …' })
  relationship: string | null;

  @Field(() => String, { nullable: true, description: 'READ, CREATE, UPDATE, DELETE, EXPORT, EMERGENCY, LOG_READ, …' })
  action: string | null;

  @Field(() => [Category], { nullable: true, description: 'Which kinds of data were seen or changed.' })
  categories: Category[] | null;

  @Field(() => [String], { nullable: true, description: 'Which fields were seen or changed (e.g. Person.bsn).' })
  fields: string[] | null;

  @Field(() => AccessOutcome, { nullable: true })
  outcome: AccessOutcome | null;

  @Field(() => String, { nullable: true, description: 'Purpose of use: TREAT, ETREAT, AUDIT, RIGHTS, BILLING, …' })
  purpose: string | null;

  @Field(() => Boolean, { nullable: true, description: 'The access was break-the-glass (emergency).' })
  emergency: boolean | null;

  @Field(() => String, { nullable: true, description: 'What the access rested on: CARE_RELATIONSHIP, EMERGENCY, CONSENT, AUDIT_GRANT, LEGAL_DUTY, RIGHT_OF_ACCESS.' })
  legalBasis: string | null;

  @Field(() => String, { nullable: true, description: 'The organisation that accessed the dossier.' })
  organisation: string | null;

  @Field(() => String, { nullable: true, description: 'The access in one Dutch sentence.' })
  summary: string | null;
}

export const AccessLogEntryConnection = ConnectionType('AccessLogEntry', AccessLogEntry);

@ObjectType({ description: 'A full access-log event, for the privacy officer (logbeheerder).' })
export class AccessLogEvent {
  @Field(() => ID)
  id: string;

  @Field(() => DateTime)
  occurredAt: Date;

  @Field(() => String)
  actorSub: string;

  @Field(() => String)
  actorRole: string;

  @Field(() => String)
  relationship: string;

  @Field(() => String, { nullable: true })
  clientApp: string | null;

  @Field(() => String)
  action: string;

  @Field(() => ID, { nullable: true })
  dossierId: string | null;

  @Field(() => ID, { nullable: true })
  subjectPersonId: string | null;

  @Field(() => [String])
  grantedFields: string[];

  @Field(() => [String])
  deniedFields: string[];

  @Field(() => [String])
  pseudonymisedFields: string[];

  @Field(() => AccessOutcome)
  outcome: AccessOutcome;

  @Field(() => Boolean)
  checkAuthorisation: boolean;

  @Field(() => Boolean)
  checkCareRelationship: boolean;

  @Field(() => Boolean)
  checkConsent: boolean;

  @Field(() => Boolean)
  checkEmergency: boolean;

  @Field(() => String)
  purpose: string;

  @Field(() => String, { nullable: true })
  legalBasisRef: string | null;

  @Field(() => String)
  requestId: string;

  @Field(() => String, { nullable: true })
  operationName: string | null;

  @Field(() => String, { nullable: true })
  sourceAddress: string | null;
}

export const AccessLogEventConnection = ConnectionType('AccessLogEvent', AccessLogEvent);

@InputType()
export class AccessLogFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  dossierId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  actorSub?: string;

  @Field(() => DateTime, { nullable: true })
  @IsOptional()
  @IsDate()
  from?: Date;

  @Field(() => DateTime, { nullable: true })
  @IsOptional()
  @IsDate()
  to?: Date;

  @Field(() => AccessOutcome, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(AccessOutcome))
  outcome?: AccessOutcome;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  emergency?: boolean;
}
