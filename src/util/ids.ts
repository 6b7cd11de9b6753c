const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are random UUIDs; anything else cannot name a row and is treated like a missing one. */
export function isUuid(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}
