import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { EmergencyReviewOutcome } from '../entities/enums';
import { ConnectionType } from './pagination';
import { Professional } from './professional.type';
import { DateTime } from './scalars';

registerEnumType(EmergencyReviewOutcome, { name: 'EmergencyReviewOutcome' });

@ObjectType({ description: 'A break-the-glass access: granted at once, limited in time, always reviewed by the privacy officer.' })
export class EmergencyAccess {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  dossierId: string;

  @Field(() => Professional, { nullable: true })
  professional: Professional | null;

  @Field(() => String)
  reason: string;

  @Field(() => DateTime)
  startedAt: Date;

  @Field(() => DateTime)
  expiresAt: Date;

  @Field(() => EmergencyReviewOutcome, { nullable: true })
  reviewOutcome: EmergencyReviewOutcome | null;

  @Field(() => String, { nullable: true })
  reviewNote: string | null;

  @Field(() => DateTime, { nullable: true })
  reviewedAt: Date | null;
}

export const EmergencyAccessConnection = ConnectionType('EmergencyAccess', EmergencyAccess);
