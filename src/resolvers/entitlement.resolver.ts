import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { AddEntitlementInput } from '../schema/entitlement.input';
import { Entitlement } from '../schema/entitlement.type';
import { addEntitlement } from '../services/entitlement.service';

@Resolver(() => Entitlement)
export class EntitlementResolver {
  @Mutation(() => Entitlement, { nullable: true })
  addEntitlement(@Arg('input') input: AddEntitlementInput, @Ctx() ctx: Context) {
    return addEntitlement(ctx, input);
  }
}
