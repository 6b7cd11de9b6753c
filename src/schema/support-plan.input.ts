import { IsEnum, IsOptional, Length } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { GoalStatus } from '../entities/enums';
import { LocalDate } from './scalars';
import { NotInFuture, Optional } from './validators';

@InputType()
export class AddSupportPlanGoalInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => String)
  @Length(1, 2000)
  text: string;

  @Field(() => GoalStatus, { nullable: true })
  @Optional()
  @IsEnum(GoalStatus)
  status?: GoalStatus;
}

@InputType()
export class UpdateSupportPlanGoalInput {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  @Optional()
  @Length(1, 2000)
  text?: string;

  @Field(() => GoalStatus, { nullable: true })
  @IsOptional()
  @IsEnum(GoalStatus)
  status?: GoalStatus;
}

@InputType()
export class AddSupportPlanEvaluationInput {
  @Field(() => ID)
  dossierId: string;

  @Field(() => LocalDate)
  @NotInFuture()
  evaluatedOn: string;

  @Field(() => String)
  @Length(1, 10000)
  text: string;
}
