import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { AddWorkNoteInput, UpdateWorkNoteInput } from '../schema/work-note.input';
import { WorkNote } from '../schema/work-note.type';
import { addWorkNote, updateWorkNote } from '../services/work-note.service';

@Resolver(() => WorkNote)
export class WorkNoteResolver {
  @Mutation(() => WorkNote, { nullable: true })
  addWorkNote(@Arg('input') input: AddWorkNoteInput, @Ctx() ctx: Context) {
    return addWorkNote(ctx, input);
  }

  @Mutation(() => WorkNote, { nullable: true, description: 'Only the author can change a work note.' })
  updateWorkNote(@Arg('input') input: UpdateWorkNoteInput, @Ctx() ctx: Context) {
    return updateWorkNote(ctx, input);
  }
}
