import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Turns raw rows of a hand-written query (LATERAL pagination, bulk reads) into entity objects,
 * using TypeORM's own column metadata so that no column mapping is declared twice.
 */
export function hydrate<E extends ObjectLiteral>(em: EntityManager, target: EntityTarget<E>, rows: Record<string, unknown>[]): E[] {
  const meta = em.connection.getMetadata(target);
  const columns = meta.columns.map((c) => [c.propertyName, c.databaseName] as const);
  return rows.map((raw) => {
    const entity = meta.create() as Record<string, unknown>;
    for (const [prop, db] of columns) entity[prop] = raw[db];
    return entity as E;
  });
}
