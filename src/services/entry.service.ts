import { Entry } from '../entities';
import { EntryKind } from '../entities/enums';
import type { Context } from '../context';
import type { AddEntryInput } from '../schema/entry.input';
import { inTransaction, touchDossier } from './write';

export async function addEntry(ctx: Context, input: AddEntryInput): Promise<Entry> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  const author = await ctx.access.professional();
  return inTransaction(ctx, async (em) => {
    const entry = await em.getRepository(Entry).save(
      em.getRepository(Entry).create({
        organisationId: dossier.organisationId,
        dossierId: dossier.id,
        authorId: author.id,
        kind: input.kind,
        occurredOn: input.occurredOn,
        text: input.text,
        hiddenFrom: input.hiddenFrom ?? [],
      }),
    );
    await touchDossier(em, dossier.id);
    if (input.kind === EntryKind.CONTACT) {
      // Anchor for retention rules that count from the last contact (SPEC §11).
      await em.query('UPDATE dossier SET last_contact_on = GREATEST(last_contact_on, $2::date) WHERE id = $1', [dossier.id, input.occurredOn]);
    }
    return entry;
  });
}
