import { FamilyMember, Person } from '../entities';
import type { Context } from '../context';
import { badInput, conflict, notFound } from '../errors/errors';
import type { AddFamilyMemberInput, UpdateFamilyMemberInput } from '../schema/family-member.input';
import { isUuid } from '../util/ids';
import { inTransaction, touchDossier } from './write';

export async function addFamilyMember(ctx: Context, input: AddFamilyMemberInput): Promise<FamilyMember> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  if (!!input.person === !!input.personId) throw badInput('input.person', 'give either person or personId');
  return inTransaction(ctx, async (em) => {
    let personId = input.personId;
    if (personId) {
      if (!(await em.getRepository(Person).existsBy({ id: personId, organisationId: dossier.organisationId }))) throw notFound('Person');
    } else {
      personId = (await em.getRepository(Person).save(em.getRepository(Person).create({ ...input.person!, organisationId: dossier.organisationId }))).id;
    }
    if (personId === dossier.subjectId) throw badInput('input.personId', 'the subject cannot be their own family member');
    if (await em.getRepository(FamilyMember).existsBy({ dossierId: dossier.id, personId })) throw conflict('This person is already a family member in this dossier');
    const member = await em.getRepository(FamilyMember).save(
      em.getRepository(FamilyMember).create({
        organisationId: dossier.organisationId,
        dossierId: dossier.id,
        personId,
        relation: input.relation,
        hasCustody: input.hasCustody,
        informedOfRegistration: input.informedOfRegistration,
      }),
    );
    await touchDossier(em, dossier.id);
    return member;
  });
}

/** The family member row, if it exists in a dossier the viewer may change; otherwise NOT_FOUND. */
async function memberForWrite(ctx: Context, id: string): Promise<FamilyMember> {
  const member = isUuid(id) && ctx.viewer.kind !== 'anonymous'
    ? await ctx.ds.getRepository(FamilyMember).findOneBy({ id, organisationId: ctx.viewer.organisationId })
    : null;
  if (!member) throw notFound('Family member');
  await ctx.access.writableDossier(member.dossierId);
  return member;
}

export async function updateFamilyMember(ctx: Context, input: UpdateFamilyMemberInput): Promise<FamilyMember> {
  const member = await memberForWrite(ctx, input.id);
  return inTransaction(ctx, async (em) => {
    const { id, ...changes } = input;
    await em.getRepository(FamilyMember).update({ id }, changes);
    await touchDossier(em, member.dossierId);
    return em.getRepository(FamilyMember).findOneByOrFail({ id });
  });
}

export async function removeFamilyMember(ctx: Context, id: string): Promise<string> {
  const member = await memberForWrite(ctx, id);
  await inTransaction(ctx, async (em) => {
    await em.getRepository(FamilyMember).delete({ id });
    await touchDossier(em, member.dossierId);
  });
  return id;
}
