import { WorkNote } from '../entities';
import type { Context } from '../context';
import { notFound } from '../errors/errors';
import type { AddWorkNoteInput, UpdateWorkNoteInput } from '../schema/work-note.input';
import { isUuid } from '../util/ids';
import { inTransaction } from './write';

export async function addWorkNote(ctx: Context, input: AddWorkNoteInput): Promise<WorkNote> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  const author = await ctx.access.professional();
  return inTransaction(ctx, (em) =>
    em.getRepository(WorkNote).save(em.getRepository(WorkNote).create({ organisationId: dossier.organisationId, dossierId: dossier.id, authorId: author.id, text: input.text })),
  );
}

/** Only the author can change a note; to anyone else it does not exist. */
export async function updateWorkNote(ctx: Context, input: UpdateWorkNoteInput): Promise<WorkNote> {
  const author = await ctx.access.professional();
  const note = isUuid(input.id) ? await ctx.ds.getRepository(WorkNote).findOneBy({ id: input.id, authorId: author.id, organisationId: author.organisationId }) : null;
  if (!note) throw notFound('Work note');
  await ctx.access.writableDossier(note.dossierId);
  return inTransaction(ctx, async (em) => {
    await em.getRepository(WorkNote).update({ id: note.id }, { text: input.text });
    return em.getRepository(WorkNote).findOneByOrFail({ id: note.id });
  });
}
