import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import * as E from '../entities';
import { ReviewEmergencyAccessInput, StartEmergencyAccessInput } from '../schema/emergency-access.input';
import { EmergencyAccess, EmergencyAccessConnection } from '../schema/emergency-access.type';
import { Professional } from '../schema/professional.type';
import { emergencyReviewQueue, reviewEmergencyAccess, startEmergencyAccess } from '../services/emergency-access.service';
import { PageArgs } from '../services/pagination';

@Resolver(() => EmergencyAccess)
export class EmergencyAccessResolver {
  @FieldResolver(() => Professional, { nullable: true })
  professional(@Root() e: E.EmergencyAccess, @Ctx() ctx: Context) {
    return ctx.loaders.professional.load(e.professionalId);
  }

  @Query(() => EmergencyAccessConnection, { description: "The privacy officer's review queue of break-the-glass accesses, oldest first." })
  emergencyAccessReviewQueue(@Args() page: PageArgs, @Arg('reviewed', () => Boolean, { defaultValue: false }) reviewed: boolean, @Ctx() ctx: Context) {
    return emergencyReviewQueue(ctx, page, reviewed);
  }

  @Mutation(() => EmergencyAccess, { nullable: true, description: 'Break the glass: opens a dossier for 4 hours, read-only, logged and reviewed.' })
  startEmergencyAccess(@Arg('input') input: StartEmergencyAccessInput, @Ctx() ctx: Context) {
    return startEmergencyAccess(ctx, input);
  }

  @Mutation(() => EmergencyAccess, { nullable: true })
  reviewEmergencyAccess(@Arg('input') input: ReviewEmergencyAccessInput, @Ctx() ctx: Context) {
    return reviewEmergencyAccess(ctx, input);
  }
}
