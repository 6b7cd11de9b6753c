import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import * as E from '../entities';
import { AssignCareTeamMemberInput, EndCareTeamAssignmentInput } from '../schema/care-team-assignment.input';
import { CareTeamAssignment } from '../schema/care-team-assignment.type';
import { Professional } from '../schema/professional.type';
import { assignCareTeamMember, endCareTeamAssignment } from '../services/care-team.service';

@Resolver(() => CareTeamAssignment)
export class CareTeamAssignmentResolver {
  @FieldResolver(() => Professional, { nullable: true })
  professional(@Root() a: E.CareTeamAssignment, @Ctx() ctx: Context) {
    return ctx.loaders.professional.load(a.professionalId);
  }

  @Mutation(() => CareTeamAssignment, { nullable: true })
  assignCareTeamMember(@Arg('input') input: AssignCareTeamMemberInput, @Ctx() ctx: Context) {
    return assignCareTeamMember(ctx, input);
  }

  @Mutation(() => CareTeamAssignment, { nullable: true, description: 'Ends an assignment; access ends with it.' })
  endCareTeamAssignment(@Arg('input') input: EndCareTeamAssignmentInput, @Ctx() ctx: Context) {
    return endCareTeamAssignment(ctx, input);
  }
}
