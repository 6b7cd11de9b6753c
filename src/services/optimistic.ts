import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { conflict, notFound } from '../errors/errors';

/**
 * Optimistic locking (SPEC §5): the update applies only if the row still has the version the
 * client read. TypeORM's update builder bumps `version` itself. A stale version is CONFLICT,
 * never a silently lost update.
 */
export async function updateVersioned<E extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<E>,
  where: { id: string; organisationId: string; version: number },
  changes: Partial<E>,
  what: string,
): Promise<E> {
  const result = await em
    .createQueryBuilder()
    .update(target)
    .set(changes as never)
    .where('id = :id AND organisation_id = :organisationId AND version = :version', where)
    .returning('*')
    .execute();
  if (result.affected === 0) {
    const exists = await em.getRepository(target).existsBy({ id: where.id, organisationId: where.organisationId } as never);
    if (!exists) throw notFound(what);
    throw conflict(`${what} was changed by someone else (version ${where.version} is stale); reload and try again`);
  }
  return em.getRepository(target).findOneByOrFail({ id: where.id } as never);
}
