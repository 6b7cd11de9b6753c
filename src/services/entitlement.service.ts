import { Entitlement } from '../entities';
import type { Context } from '../context';
import { badInput } from '../errors/errors';
import type { AddEntitlementInput } from '../schema/entitlement.input';
import { inTransaction, touchDossier } from './write';

export async function addEntitlement(ctx: Context, input: AddEntitlementInput): Promise<Entitlement> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  if (input.validUntil && input.validUntil < input.validFrom) throw badInput('input.validUntil', 'must not be before validFrom');
  return inTransaction(ctx, async (em) => {
    const { dossierId: _d, ...fields } = input;
    const row = await em.getRepository(Entitlement).save(
      em.getRepository(Entitlement).create({ ...fields, validUntil: fields.validUntil ?? null, organisationId: dossier.organisationId, dossierId: dossier.id }),
    );
    await touchDossier(em, dossier.id);
    return row;
  });
}
