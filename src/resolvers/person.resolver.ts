import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { UpdatePersonInput } from '../schema/person.input';
import { Person } from '../schema/person.type';
import { updatePerson } from '../services/person.service';

@Resolver(() => Person)
export class PersonResolver {
  @Mutation(() => Person, { nullable: true })
  updatePerson(@Arg('input') input: UpdatePersonInput, @Ctx() ctx: Context) {
    return updatePerson(ctx, input);
  }
}
