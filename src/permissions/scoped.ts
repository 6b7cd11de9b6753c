/**
 * A Person row carries no dossier; the same person can be the subject of one dossier and a
 * parent in another. Resolvers hand persons out wrapped with the dossier they were reached
 * through, so the field guard decides in the right dossier. The wrapper reads through to the
 * row (prototype), so default resolvers work unchanged.
 */
export const PERSON_SCOPE = Symbol('personScope');

export interface PersonScope {
  dossierId: string;
  isSubject: boolean;
}

export function inDossier<T extends object>(person: T | null, dossierId: string, isSubject: boolean): T | null {
  if (!person) return null;
  return Object.create(person, { [PERSON_SCOPE]: { value: { dossierId, isSubject } satisfies PersonScope } }) as T;
}
