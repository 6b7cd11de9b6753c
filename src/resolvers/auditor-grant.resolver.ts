import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { CreateAuditorGrantInput } from '../schema/auditor-grant.input';
import { AuditorGrant, AuditorGrantConnection } from '../schema/auditor-grant.type';
import { createAuditorGrant, listAuditorGrants, revokeAuditorGrant } from '../services/auditor-grant.service';
import { PageArgs } from '../services/pagination';

@Resolver(() => AuditorGrant)
export class AuditorGrantResolver {
  @Query(() => AuditorGrantConnection)
  auditorGrants(@Args() page: PageArgs, @Ctx() ctx: Context) {
    return listAuditorGrants(ctx, page);
  }

  @Mutation(() => AuditorGrant, { nullable: true })
  createAuditorGrant(@Arg('input') input: CreateAuditorGrantInput, @Ctx() ctx: Context) {
    return createAuditorGrant(ctx, input);
  }

  @Mutation(() => AuditorGrant, { nullable: true })
  revokeAuditorGrant(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return revokeAuditorGrant(ctx, id);
  }
}
