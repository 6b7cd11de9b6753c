import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import * as E from '../entities';
import { AddSupportPlanEvaluationInput, AddSupportPlanGoalInput, UpdateSupportPlanGoalInput } from '../schema/support-plan.input';
import {
  SupportPlan, SupportPlanEvaluation, SupportPlanEvaluationConnection, SupportPlanGoal, SupportPlanGoalConnection,
} from '../schema/support-plan.type';
import { PageArgs, paginateInMemory } from '../services/pagination';
import { addSupportPlanEvaluation, addSupportPlanGoal, updateSupportPlanGoal } from '../services/support-plan.service';

@Resolver(() => SupportPlan)
export class SupportPlanResolver {
  @FieldResolver(() => SupportPlanGoalConnection, { nullable: true })
  async goals(@Root() p: E.SupportPlan, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginateInMemory(await ctx.loaders.goalsByPlan.load(p.id), page);
  }

  @FieldResolver(() => SupportPlanEvaluationConnection, { nullable: true })
  async evaluations(@Root() p: E.SupportPlan, @Args() page: PageArgs, @Ctx() ctx: Context) {
    return paginateInMemory(await ctx.loaders.evaluationsByPlan.load(p.id), page);
  }

  @Mutation(() => SupportPlanGoal, { nullable: true })
  addSupportPlanGoal(@Arg('input') input: AddSupportPlanGoalInput, @Ctx() ctx: Context) {
    return addSupportPlanGoal(ctx, input);
  }

  @Mutation(() => SupportPlanGoal, { nullable: true })
  updateSupportPlanGoal(@Arg('input') input: UpdateSupportPlanGoalInput, @Ctx() ctx: Context) {
    return updateSupportPlanGoal(ctx, input);
  }

  @Mutation(() => SupportPlanEvaluation, { nullable: true })
  addSupportPlanEvaluation(@Arg('input') input: AddSupportPlanEvaluationInput, @Ctx() ctx: Context) {
    return addSupportPlanEvaluation(ctx, input);
  }
}
