import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { IdDocumentType, RefusalGround, RightsDecision, RightsRequestStatus, RightsRequestType, VerificationMethod } from '../entities/enums';
import { ConnectionType } from './pagination';
import { Professional } from './professional.type';
import { DateTime, LocalDate } from './scalars';

registerEnumType(RightsRequestType, { name: 'RightsRequestType' });
registerEnumType(RightsRequestStatus, { name: 'RightsRequestStatus' });
registerEnumType(RightsDecision, { name: 'RightsDecision' });
registerEnumType(RefusalGround, { name: 'RefusalGround' });
registerEnumType(VerificationMethod, { name: 'VerificationMethod', description: 'How a requester\'s identity was checked (SPEC §8); never a copy of a document.' });

@ObjectType({ description: 'How the requesters\' identity was verified: method, document type, by whom and when — never a copy or a document number.' })
export class RightsRequestVerification {
  @Field(() => VerificationMethod, { nullable: true })
  method: VerificationMethod | null;

  @Field(() => IdDocumentType, { nullable: true })
  documentType: IdDocumentType | null;

  @Field(() => DateTime, { nullable: true })
  verifiedAt: Date | null;

  @Field(() => Professional, { nullable: true })
  verifiedBy: Professional | null;
}

@ObjectType({ description: 'A data-subject rights request (access, rectification, erasure, …).' })
export class RightsRequest {
  @Field(() => ID)
  id: string;

  @Field(() => ID, { nullable: true })
  dossierId: string | null;

  @Field(() => RightsRequestType, { nullable: true })
  type: RightsRequestType | null;

  @Field(() => RightsRequestStatus, { nullable: true })
  status: RightsRequestStatus | null;

  @Field(() => [ID], { nullable: true, description: 'The persons who make the request (SPEC §8: who may file depends on the subject\'s age).' })
  requesterPersonIds: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Named co-requesters who still have to agree with their own login.' })
  awaitingPersonIds: string[] | null;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'The day the request was complete (all requesters agreed); the month runs from here.' })
  receivedOn: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'receivedOn + 1 month.' })
  dueOn: string | null;

  @Field(() => LocalDate, { nullable: true })
  extendedDueOn: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'extendedDueOn if extended, else dueOn.' })
  effectiveDueOn: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Still open after its effective due date (Dutch calendar day).' })
  overdue: boolean | null;

  @Field(() => String, { nullable: true })
  extensionReason: string | null;

  @Field(() => DateTime, { nullable: true })
  extensionDecidedAt: Date | null;

  @Field(() => RightsRequestVerification, { nullable: true, description: 'Null when a client filed it with their own login.' })
  verification: RightsRequestVerification | null;

  @Field(() => RightsDecision, { nullable: true })
  decision: RightsDecision | null;

  @Field(() => RefusalGround, { nullable: true })
  refusalGround: RefusalGround | null;

  @Field(() => String, { nullable: true })
  decisionNote: string | null;

  @Field(() => DateTime, { nullable: true })
  decidedAt: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When a granted rectification, erasure or destruction was applied.' })
  carriedOutAt: Date | null;
}

export const RightsRequestConnection = ConnectionType('RightsRequest', RightsRequest);
