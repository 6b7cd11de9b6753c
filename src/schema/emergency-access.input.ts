import { IsEnum, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { EmergencyReviewOutcome } from '../entities/enums';

@InputType()
export class StartEmergencyAccessInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => String, { description: 'Why the dossier must be opened now; at least 20 characters (§9).' })
  @Length(20, 2000)
  reason: string;
}

@InputType()
export class ReviewEmergencyAccessInput {
  @Field(() => ID)
  id: string;

  @Field(() => EmergencyReviewOutcome)
  @IsEnum(EmergencyReviewOutcome)
  outcome: EmergencyReviewOutcome;

  @Field(() => String)
  @Length(1, 2000)
  note: string;
}
