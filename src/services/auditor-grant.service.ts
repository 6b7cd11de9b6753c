import { randomBytes } from 'node:crypto';
import { AuditorGrant, Dossier } from '../entities';
import type { Context } from '../context';
import { badInput, notFound } from '../errors/errors';
import { NEVER_GRANTED_TO_AUDITORS } from '../permissions/policy';
import type { CreateAuditorGrantInput } from '../schema/auditor-grant.input';
import type { Connection } from '../schema/pagination';
import { isUuid } from '../util/ids';
import { In } from 'typeorm';
import { decodeCursor, PageArgs, toConnection } from './pagination';
import { inTransaction } from './write';

/** An auditor grant may last at most 30 days (§10). */
export const MAX_GRANT_DAYS = 30;

export async function createAuditorGrant(ctx: Context, input: CreateAuditorGrantInput): Promise<AuditorGrant> {
  const staff = ctx.access.requireStaff();
  const forbiddenCategories = input.categories.filter((c) => NEVER_GRANTED_TO_AUDITORS.has(c));
  if (forbiddenCategories.length) throw badInput('input.categories', `may never include ${forbiddenCategories.join(', ')}`);
  if (input.validUntil <= input.validFrom) throw badInput('input.validUntil', 'must be after validFrom');
  if (input.validUntil.getTime() - input.validFrom.getTime() > MAX_GRANT_DAYS * 86400_000) throw badInput('input.validUntil', `must be at most ${MAX_GRANT_DAYS} days after validFrom`);
  const found = await ctx.ds.getRepository(Dossier).countBy({ organisationId: staff.organisationId, id: In(input.dossierIds) });
  if (found !== input.dossierIds.length) throw badInput('input.dossierIds', 'names a dossier that does not exist');
  const me = await ctx.access.professional();
  return inTransaction(ctx, (em) =>
    em.getRepository(AuditorGrant).save(
      em.getRepository(AuditorGrant).create({
        organisationId: staff.organisationId, auditorSubject: input.auditorSubject, purpose: input.purpose, dossierIds: input.dossierIds,
        categories: input.categories, validFrom: input.validFrom, validUntil: input.validUntil, createdById: me.id, revokedAt: null,
        // Per-grant secret for pseudonyms: same person, same pseudonym within this grant only.
        pseudonymKey: randomBytes(32),
      }),
    ),
  );
}

export async function listAuditorGrants(ctx: Context, page: PageArgs): Promise<Connection<AuditorGrant>> {
  const staff = ctx.access.requireStaff();
  const qb = ctx.ds.getRepository(AuditorGrant).createQueryBuilder('g')
    .where('g.organisation_id = :org', { org: staff.organisationId })
    .orderBy('g.created_at', 'DESC').addOrderBy('g.id', 'DESC').limit(page.first + 1);
  if (page.after) {
    const [createdAt, id] = decodeCursor(page.after, 2);
    qb.andWhere('(g.created_at, g.id) < (:createdAt, :id)', { createdAt, id });
  }
  return toConnection(await qb.getMany(), page.first, (g) => [g.createdAt.toISOString(), g.id]);
}

export async function revokeAuditorGrant(ctx: Context, id: string): Promise<AuditorGrant> {
  const staff = ctx.access.requireStaff();
  const grant = isUuid(id) ? await ctx.ds.getRepository(AuditorGrant).findOneBy({ id, organisationId: staff.organisationId }) : null;
  if (!grant) throw notFound('Auditor grant');
  return inTransaction(ctx, async (em) => {
    await em.getRepository(AuditorGrant).update({ id }, { revokedAt: grant.revokedAt ?? new Date() });
    return em.getRepository(AuditorGrant).findOneByOrFail({ id });
  });
}
