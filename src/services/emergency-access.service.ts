import { EmergencyAccess } from '../entities';
import type { Context } from '../context';
import { badInput, conflict, notFound } from '../errors/errors';
import type { ReviewEmergencyAccessInput, StartEmergencyAccessInput } from '../schema/emergency-access.input';
import type { Connection } from '../schema/pagination';
import { isUuid } from '../util/ids';
import { decodeCursor, PageArgs, toConnection } from './pagination';
import { inTransaction } from './write';

/** How long break-the-glass access lasts (§9: default 4 hours). */
export const EMERGENCY_ACCESS_HOURS = 4;

/**
 * Break-the-glass (§9): a care worker or behavioural expert of the organisation opens a dossier
 * they are not assigned to, with a reason. Granted at once; read-only; never work notes; every
 * use logged as ETREAT; queued for the privacy officer's review.
 */
export async function startEmergencyAccess(ctx: Context, input: StartEmergencyAccessInput): Promise<EmergencyAccess> {
  const staff = ctx.access.requireStaff();
  // Whitespace is no reason: the review needs words.
  if (input.reason.trim().length < 20) throw badInput('input.reason', 'must explain the emergency in at least 20 characters');
  // Org-wide lookup on purpose: the viewer has no relationship yet — that is the point.
  const dossier = isUuid(input.dossierId) ? await ctx.loaders.dossier.load(input.dossierId) : null;
  if (!dossier) throw notFound();
  const me = await ctx.access.professional();
  const now = new Date();
  return inTransaction(ctx, async (em) => {
    const access = await em.getRepository(EmergencyAccess).save(
      em.getRepository(EmergencyAccess).create({
        organisationId: staff.organisationId, dossierId: dossier.id, professionalId: me.id, professionalRole: staff.role,
        reason: input.reason, startedAt: now, expiresAt: new Date(now.getTime() + EMERGENCY_ACCESS_HOURS * 3600_000),
      }),
    );
    // Breaking the glass is itself an access-log event (action EMERGENCY), committed with it.
    ctx.access.recordWrite(dossier.id, dossier.subjectId, 'EMERGENCY', ['EmergencyAccess.reason'], [
      { relationship: 'emergency', basisId: access.id, categories: null, expiresAt: access.expiresAt },
    ]);
    return access;
  });
}

/** The privacy officer's review queue: oldest first, unreviewed unless asked otherwise. */
export async function emergencyReviewQueue(ctx: Context, page: PageArgs, reviewed: boolean): Promise<Connection<EmergencyAccess>> {
  const staff = ctx.access.requireStaff();
  const qb = ctx.ds.getRepository(EmergencyAccess).createQueryBuilder('e')
    .where('e.organisation_id = :org', { org: staff.organisationId })
    .andWhere(reviewed ? 'e.reviewed_at IS NOT NULL' : 'e.reviewed_at IS NULL')
    .orderBy('e.started_at', 'ASC').addOrderBy('e.id', 'ASC').limit(page.first + 1);
  if (page.after) {
    const [startedAt, id] = decodeCursor(page.after, 2);
    qb.andWhere('(e.started_at, e.id) > (:startedAt, :id)', { startedAt, id });
  }
  return toConnection(await qb.getMany(), page.first, (e) => [e.startedAt.toISOString(), e.id]);
}

export async function reviewEmergencyAccess(ctx: Context, input: ReviewEmergencyAccessInput): Promise<EmergencyAccess> {
  const staff = ctx.access.requireStaff();
  const me = await ctx.access.professional();
  const row = isUuid(input.id) ? await ctx.ds.getRepository(EmergencyAccess).findOneBy({ id: input.id, organisationId: staff.organisationId }) : null;
  if (!row) throw notFound('Emergency access');
  if (row.reviewedAt) throw conflict('This emergency access was already reviewed');
  return inTransaction(ctx, async (em) => {
    await em.getRepository(EmergencyAccess).update({ id: row.id }, { reviewOutcome: input.outcome, reviewNote: input.note, reviewedById: me.id, reviewedAt: new Date() });
    return em.getRepository(EmergencyAccess).findOneByOrFail({ id: row.id });
  });
}
