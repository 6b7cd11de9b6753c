import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import * as E from '../entities';
import { AddEntryInput } from '../schema/entry.input';
import { Entry } from '../schema/entry.type';
import { Professional } from '../schema/professional.type';
import { addEntry } from '../services/entry.service';

@Resolver(() => Entry)
export class EntryResolver {
  @FieldResolver(() => Professional, { nullable: true })
  author(@Root() e: E.Entry, @Ctx() ctx: Context) {
    return ctx.loaders.professional.load(e.authorId);
  }

  @Mutation(() => Entry, { nullable: true })
  addEntry(@Arg('input') input: AddEntryInput, @Ctx() ctx: Context) {
    return addEntry(ctx, input);
  }
}
