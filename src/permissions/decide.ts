import { Category } from '../entities/enums';
import type { PolicyNarrowing } from '../entities/organisation.entity';
import { Cell, CLIENT_RELATIONSHIPS, HIDDEN_FROM_GROUP, NAME_FIELDS, PARTNER_RELATIONSHIPS, POLICY, Reach, RelationshipName, WORKFLOW_REACHES, WriteReach } from './policy';

/** One relationship of the viewer to one dossier, as resolved from the data for this request. */
export interface Grant {
  relationship: RelationshipName;
  /** What the access rests on: an emergency access, auditor grant or consent id (logged as legal basis). */
  basisId: string | null;
  /** Categories listed by an auditor grant or a consent (reach `granted`). */
  categories: readonly string[] | null;
  /** End of a time-limited access (emergency, auditor grant), for `myAccess`. */
  expiresAt: Date | null;
}

/** Facts about the viewer that reaches depend on. */
export interface ViewerFacts {
  personId: string | null;
  professionalId: string | null;
}

/** A person as reached inside one dossier. */
export interface PersonFacts {
  id: string;
  isSubject: boolean;
  /** Reached through the family list (rather than as the subject). */
  viaFamily: boolean;
  minor: boolean;
  addressConfidential: boolean;
}

/** The field a decision is about: fixed per schema field, built once. */
export interface FieldRef {
  typeName: string;
  fieldName: string;
}

/**
 * The facts of the row a field belongs to that reaches depend on. Kept apart from the field so
 * that the decision of every field of every row (550 for a caseload page) builds no object: a
 * row's facts are shared by its fields, and a row with none shares `NO_FACTS`.
 */
export interface RowFacts {
  person?: PersonFacts;
  authorId?: string;
  hiddenFrom?: readonly string[];
  requesterIds?: readonly string[];
}

export const NO_FACTS: RowFacts = Object.freeze({});

export type Outcome = 'GRANTED' | 'DENIED' | 'PSEUDONYMISED';

/** The cell of the policy for a relationship and category, after the organisation's narrowing. */
export function cellOf(relationship: RelationshipName, category: Category, narrowing?: PolicyNarrowing): Cell | undefined {
  if (narrowing?.deny?.[relationship]?.includes(category)) return undefined;
  return POLICY[relationship][category];
}

function reachOutcome(reach: Reach, grant: Grant, category: Category, field: FieldRef, row: RowFacts, viewer: ViewerFacts): Outcome {
  switch (reach) {
    case 'all':
    case 'notHidden':
    case 'dossierLog':
      return 'GRANTED';
    case 'own':
      return row.person && row.person.id === viewer.personId ? 'GRANTED' : 'DENIED';
    case 'subject':
      return row.person?.isSubject ? 'GRANTED' : 'DENIED';
    case 'subjectBsn':
      return row.person?.isSubject && field.fieldName === 'bsn' ? 'GRANTED' : 'DENIED';
    case 'ownAndMinors':
      return row.person && (row.person.id === viewer.personId || (row.person.minor && !row.person.addressConfidential)) ? 'GRANTED' : 'DENIED';
    case 'namesOnly':
      // The family list and each member's person are reachable; the person's own fields are then
      // limited to names by the family rule in `decideRead`.
      return (field.typeName === 'Dossier' && field.fieldName === 'family') || (field.typeName === 'FamilyMember' && field.fieldName === 'person') ? 'GRANTED' : 'DENIED';
    case 'author':
      // The list itself is filtered to the viewer's own notes; each note is checked again here.
      return row.authorId === undefined || row.authorId === viewer.professionalId ? 'GRANTED' : 'DENIED';
    case 'granted':
      return grant.categories?.includes(category) ? 'GRANTED' : 'DENIED';
    case 'pseudonym':
      if (grant.categories?.includes(category)) return 'GRANTED';
      return field.fieldName === 'firstName' ? 'PSEUDONYMISED' : 'DENIED';
    case 'ownRequests':
      return row.requesterIds === undefined || (viewer.personId !== null && row.requesterIds.includes(viewer.personId)) ? 'GRANTED' : 'DENIED';
  }
}

/** The FAMILY reach of a relationship decides what a relative's person shows. */
function familyAllows(grant: Grant, field: FieldRef, row: RowFacts, narrowing?: PolicyNarrowing): boolean {
  if (!row.person?.viaFamily) return true;
  const family = cellOf(grant.relationship, Category.FAMILY, narrowing)?.read;
  if (!family) return false;
  return family !== 'namesOnly' || NAME_FIELDS.has(field.fieldName);
}

function decideOne(grant: Grant, category: Category, field: FieldRef, row: RowFacts, viewer: ViewerFacts, narrowing?: PolicyNarrowing): Outcome {
  const reach = cellOf(grant.relationship, category, narrowing)?.read;
  if (!reach) return 'DENIED';
  const isClient = CLIENT_RELATIONSHIPS.has(grant.relationship);
  // §4 note 1: a confidential address never reaches another client or a partner.
  if (category === Category.CONTACT && row.person?.addressConfidential && row.person.id !== viewer.personId && (isClient || PARTNER_RELATIONSHIPS.has(grant.relationship))) {
    return 'DENIED';
  }
  // §4 note 2: an entry hidden from the viewer's group stays hidden, whatever else applies.
  const group = HIDDEN_FROM_GROUP[grant.relationship];
  if (group && row.hiddenFrom?.includes(group)) return 'DENIED';
  if (!familyAllows(grant, field, row, narrowing)) return 'DENIED';
  return reachOutcome(reach, grant, category, field, row, viewer);
}

/**
 * May the viewer, holding these grants on a dossier, read this field of this row?
 * Pure and synchronous: everything it needs was loaded for the request beforehand. With several
 * grants (a partner with two scopes) the most permissive outcome wins.
 */
export function decideRead(grants: readonly Grant[], category: Category, field: FieldRef, row: RowFacts, viewer: ViewerFacts, narrowing?: PolicyNarrowing): Outcome {
  let best: Outcome = 'DENIED';
  for (const grant of grants) {
    const outcome = decideOne(grant, category, field, row, viewer, narrowing);
    if (outcome === 'GRANTED') return outcome;
    if (outcome === 'PSEUDONYMISED') best = outcome;
  }
  return best;
}

/**
 * May the viewer write this category in this dossier (§5: the W cells)? `reaches` are the write
 * reaches the write accepts; by default every data write, never a workflow step (a parent's
 * `sign` on CONSENT does not let them change other consent data). `'any'` asks whether any W
 * cell exists at all (for `myAccess`).
 */
export function mayWrite(grants: readonly Grant[], category: Category, narrowing?: PolicyNarrowing, reaches?: readonly WriteReach[] | 'any'): Grant | null {
  const accepts = (w: WriteReach | undefined) =>
    w !== undefined && (reaches === 'any' || (reaches ? reaches.includes(w) : !WORKFLOW_REACHES.has(w)));
  return grants.find((g) => accepts(cellOf(g.relationship, category, narrowing)?.write)) ?? null;
}

/** The write reach the viewer holds for a category in a dossier (the first grant that has one). */
export function writeReachOf(grants: readonly Grant[], category: Category, narrowing?: PolicyNarrowing): WriteReach | undefined {
  const grant = mayWrite(grants, category, narrowing, 'any');
  return grant ? cellOf(grant.relationship, category, narrowing)?.write : undefined;
}

/** How far a viewer reads and writes one category in a dossier (for `myAccess`). */
export interface CategoryReach {
  category: Category;
  read: Reach | null;
  write: WriteReach | null;
}

/**
 * The categories a set of grants can read and write at all, and how far (for `myAccess`): a
 * screen can then skip not only what it cannot see but also what lies outside the reach
 * (relatives beyond their names, another person's contact data).
 */
export function categoriesOf(grants: readonly Grant[], narrowing?: PolicyNarrowing): { read: Category[]; write: Category[]; reaches: CategoryReach[] } {
  const readReach = (c: Category): Reach | null => {
    for (const g of grants) {
      const reach = cellOf(g.relationship, c, narrowing)?.read;
      if (reach !== undefined && (reach !== 'granted' || !!g.categories?.includes(c))) return reach;
    }
    return null;
  };
  const reaches = Object.values(Category)
    .map((category) => ({ category, read: readReach(category), write: writeReachOf(grants, category, narrowing) ?? null }))
    .filter((r) => r.read || r.write);
  return { read: reaches.filter((r) => r.read).map((r) => r.category), write: reaches.filter((r) => r.write).map((r) => r.category), reaches };
}
