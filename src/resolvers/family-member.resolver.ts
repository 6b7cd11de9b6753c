import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import * as E from '../entities';
import { AddFamilyMemberInput, UpdateFamilyMemberInput } from '../schema/family-member.input';
import { FamilyMember } from '../schema/family-member.type';
import { Person } from '../schema/person.type';
import { inDossier } from '../permissions/scoped';
import { addFamilyMember, removeFamilyMember, updateFamilyMember } from '../services/family.service';

@Resolver(() => FamilyMember)
export class FamilyMemberResolver {
  @FieldResolver(() => Person, { nullable: true })
  async person(@Root() m: E.FamilyMember, @Ctx() ctx: Context) {
    return inDossier(await ctx.loaders.person.load(m.personId), m.dossierId, false);
  }

  @Mutation(() => FamilyMember, { nullable: true, description: 'Registers a relative; only after they were informed of it.' })
  addFamilyMember(@Arg('input') input: AddFamilyMemberInput, @Ctx() ctx: Context) {
    return addFamilyMember(ctx, input);
  }

  @Mutation(() => FamilyMember, { nullable: true })
  updateFamilyMember(@Arg('input') input: UpdateFamilyMemberInput, @Ctx() ctx: Context) {
    return updateFamilyMember(ctx, input);
  }

  @Mutation(() => ID, { nullable: true, description: 'Returns the id of the removed family member.' })
  removeFamilyMember(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return removeFamilyMember(ctx, id);
  }
}
