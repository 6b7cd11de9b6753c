import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GoalStatus } from '../entities/enums';
import { ConnectionType } from './pagination';
import { DateTime, LocalDate } from './scalars';

registerEnumType(GoalStatus, { name: 'GoalStatus' });

@ObjectType()
export class SupportPlanGoal {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true })
  text: string | null;

  @Field(() => GoalStatus, { nullable: true })
  status: GoalStatus | null;
}

@ObjectType()
export class SupportPlanEvaluation {
  @Field(() => ID)
  id: string;

  @Field(() => LocalDate, { nullable: true })
  evaluatedOn: string | null;

  @Field(() => String, { nullable: true })
  text: string | null;
}

export const SupportPlanGoalConnection = ConnectionType('SupportPlanGoal', SupportPlanGoal);
export const SupportPlanEvaluationConnection = ConnectionType('SupportPlanEvaluation', SupportPlanEvaluation);

@ObjectType()
export class SupportPlan {
  @Field(() => ID)
  id: string;

  @Field(() => DateTime, { nullable: true })
  updatedAt: Date | null;

  @Field(() => SupportPlanGoalConnection, { nullable: true })
  goals: InstanceType<typeof SupportPlanGoalConnection> | null;

  @Field(() => SupportPlanEvaluationConnection, { nullable: true })
  evaluations: InstanceType<typeof SupportPlanEvaluationConnection> | null;
}
