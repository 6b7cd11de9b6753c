import { CareTeamAssignment, Professional } from '../entities';
import { StaffRole } from '../entities/enums';
import type { Context } from '../context';
import { badInput, forbidden, notFound } from '../errors/errors';
import type { AssignCareTeamMemberInput, EndCareTeamAssignmentInput } from '../schema/care-team-assignment.input';
import { isUuid } from '../util/ids';
import { inTransaction, touchDossier } from './write';

export async function assignCareTeamMember(ctx: Context, input: AssignCareTeamMemberInput): Promise<CareTeamAssignment> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  const staff = ctx.access.requireStaff();
  const professional = await ctx.ds.getRepository(Professional).findOneBy({ id: input.professionalId, organisationId: dossier.organisationId });
  if (!professional) throw notFound('Professional');
  // Separation of duties (SPEC §5): support staff manage assignments but cannot open a dossier to themselves.
  if (staff.role === StaffRole.ADMIN_SUPPORT && professional.subject === staff.sub) throw forbidden('Admin support cannot assign itself');
  const validFrom = input.validFrom ?? new Date();
  if (input.validUntil && input.validUntil <= validFrom) throw badInput('input.validUntil', 'must be after validFrom');
  return inTransaction(ctx, async (em) => {
    const row = await em.getRepository(CareTeamAssignment).save(
      em.getRepository(CareTeamAssignment).create({
        organisationId: dossier.organisationId,
        dossierId: dossier.id,
        professionalId: professional.id,
        role: input.role,
        validFrom,
        validUntil: input.validUntil ?? null,
      }),
    );
    await touchDossier(em, dossier.id);
    return row;
  });
}

export async function endCareTeamAssignment(ctx: Context, input: EndCareTeamAssignmentInput): Promise<CareTeamAssignment> {
  const row = isUuid(input.id) && ctx.viewer.kind !== 'anonymous'
    ? await ctx.ds.getRepository(CareTeamAssignment).findOneBy({ id: input.id, organisationId: ctx.viewer.organisationId })
    : null;
  if (!row) throw notFound('Care-team assignment');
  await ctx.access.writableDossier(row.dossierId);
  const validUntil = input.validUntil ?? new Date();
  if (validUntil < row.validFrom) throw badInput('input.validUntil', 'must not be before validFrom');
  return inTransaction(ctx, async (em) => {
    await em.getRepository(CareTeamAssignment).update({ id: row.id }, { validUntil });
    await touchDossier(em, row.dossierId);
    return em.getRepository(CareTeamAssignment).findOneByOrFail({ id: row.id });
  });
}
