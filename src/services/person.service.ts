import { FamilyMember, Person } from '../entities';
import type { Context } from '../context';
import { notFound } from '../errors/errors';
import type { UpdatePersonInput } from '../schema/person.input';
import { inDossier } from '../permissions/scoped';
import { updateVersioned } from './optimistic';
import { inTransaction, touchDossier } from './write';

/** A person is edited through a dossier they belong to (as subject or family member). */
export async function updatePerson(ctx: Context, input: UpdatePersonInput): Promise<Person> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  const { id, dossierId, version, ...changes } = input;
  const belongs =
    dossier.subjectId === id ||
    (await ctx.ds.getRepository(FamilyMember).existsBy({ dossierId, personId: id, organisationId: dossier.organisationId }));
  if (!belongs) throw notFound('Person');
  return inTransaction(ctx, async (em) => {
    const person = await updateVersioned(em, Person, { id, organisationId: dossier.organisationId, version }, changes, 'Person');
    await touchDossier(em, dossierId);
    // Shown through the dossier it was edited in, so the field guard decides there.
    return inDossier(person, dossierId, dossier.subjectId === id)!;
  });
}
