import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { RefusalGround, RightsDecision, RightsRequestStatus, RightsRequestType } from '../entities/enums';
import { ConnectionType } from './pagination';
import { DateTime, LocalDate } from './scalars';

registerEnumType(RightsRequestType, { name: 'RightsRequestType' });
registerEnumType(RightsRequestStatus, { name: 'RightsRequestStatus' });
registerEnumType(RightsDecision, { name: 'RightsDecision' });
registerEnumType(RefusalGround, { name: 'RefusalGround' });

@ObjectType({ description: 'A data-subject rights request (access, rectification, erasure, …).' })
export class RightsRequest {
  @Field(() => ID)
  id: string;

  @Field(() => RightsRequestType, { nullable: true })
  type: RightsRequestType | null;

  @Field(() => RightsRequestStatus, { nullable: true })
  status: RightsRequestStatus | null;

  @Field(() => LocalDate, { nullable: true })
  receivedOn: string | null;

  @Field(() => LocalDate, { nullable: true })
  dueOn: string | null;

  @Field(() => LocalDate, { nullable: true })
  extendedDueOn: string | null;

  @Field(() => RightsDecision, { nullable: true })
  decision: RightsDecision | null;

  @Field(() => RefusalGround, { nullable: true })
  refusalGround: RefusalGround | null;

  @Field(() => DateTime, { nullable: true })
  decidedAt: Date | null;
}

export const RightsRequestConnection = ConnectionType('RightsRequest', RightsRequest);
