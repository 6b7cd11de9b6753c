import type { Context } from '../context';
import { Consent, Entitlement, Entry, FamilyMember, Person, RightsRequest as RightsRequestRow, SupportPlanEvaluation, SupportPlanGoal } from '../entities';
import { Category, RightsDecision, RightsRequestType } from '../entities/enums';
import { badInput, forbidden, notFound } from '../errors/errors';
import { NO_FACTS, RowFacts } from '../permissions/decide';
import { FIELD_CATEGORIES, isCategory, PUBLIC } from '../permissions/fields';
import { requestById } from './rights-request.service';

/** The request types that produce an export (SPEC §8). */
const EXPORT_TYPES = new Set([RightsRequestType.ACCESS, RightsRequestType.COPY, RightsRequestType.PORTABILITY]);
/** Never in an export, whatever a cell says: personal working notes (§2) and the log (it has its own route, `dossier.accessLog`). */
const NEVER_EXPORTED = new Set<Category>([Category.WORK_NOTES, Category.ACCESS_LOG]);

type Row = Record<string, unknown>;

/**
 * The export of a granted ACCESS, COPY or PORTABILITY request (SPEC §8): the requester's own data
 * as one JSON document, for the requester themself (their login), as the policy lets them see it
 * today — every field decided by the same policy as reading, through the access service, and
 * logged there as one EXPORT event with the field paths. Left out by construction: work notes,
 * other persons (relatives, the other parent; only the requester and the subject appear), the
 * family records of others, entries hidden from the requester's group, staff names.
 */
export async function rightsRequestExport(ctx: Context, id: string): Promise<Record<string, unknown>> {
  const viewer = ctx.viewer;
  if (viewer.kind === 'anonymous') throw notFound('Rights request');
  // The export is handed to the requester; staff see the request itself, not a copy of the data.
  if (viewer.kind !== 'client') throw forbidden('Only a requester can fetch the export of their request');
  const request = await requestById(ctx, id);
  if (!request.requesterPersonIds.includes(viewer.personId)) throw notFound('Rights request');
  if (!EXPORT_TYPES.has(request.type)) throw badInput('id', 'only ACCESS, COPY and PORTABILITY requests produce an export');
  if (request.decision !== RightsDecision.GRANTED && request.decision !== RightsDecision.PARTIALLY_GRANTED) {
    throw badInput('id', 'the request has not been granted; the export becomes available when it is');
  }
  // Without a relationship today (custody ended, dossier destroyed) there is nothing to hand out.
  const dossier = await ctx.access.dossier(request.dossierId, false);
  const where = { dossierId: dossier.id, organisationId: dossier.organisationId };

  /** The fields of a row the requester may have, each decided and logged as EXPORT. */
  const take = (typeName: string, row: Row, fields: readonly string[], facts: RowFacts = NO_FACTS): Row => {
    const out: Row = {};
    for (const field of fields) {
      const decision = FIELD_CATEGORIES[typeName]?.[field];
      if (decision === PUBLIC) out[field] = row[field] ?? null;
      else if (isCategory(decision) && !NEVER_EXPORTED.has(decision) && ctx.access.exportField(dossier.id, decision, `${typeName}.${field}`, { typeName, fieldName: field }, facts)) {
        out[field] = row[field] ?? null;
      }
    }
    return out;
  };
  // A lock version is no personal data of the requester's.
  const personFields = Object.keys(FIELD_CATEGORIES.Person).filter((f) => f !== 'version');
  const person = (p: Person, isSubject: boolean) =>
    take('Person', p as unknown as Row, personFields, ctx.access.personFacts({ dossierId: dossier.id, isSubject }, p));

  const [subject, requester, ownFamily, entitlements, goals, evaluations, entries, consents, requests] = await Promise.all([
    ctx.ds.getRepository(Person).findOneByOrFail({ id: dossier.subjectId, organisationId: dossier.organisationId }),
    viewer.personId === dossier.subjectId ? null : ctx.ds.getRepository(Person).findOneBy({ id: viewer.personId, organisationId: dossier.organisationId }),
    ctx.ds.getRepository(FamilyMember).findBy({ ...where, personId: viewer.personId }),
    ctx.ds.getRepository(Entitlement).find({ where, order: { validFrom: 'ASC', id: 'ASC' } }),
    ctx.ds.getRepository(SupportPlanGoal).find({ where, order: { createdAt: 'ASC', id: 'ASC' } }),
    ctx.ds.getRepository(SupportPlanEvaluation).find({ where, order: { evaluatedOn: 'ASC', id: 'ASC' } }),
    ctx.ds.getRepository(Entry).find({ where, order: { occurredOn: 'ASC', createdAt: 'ASC', id: 'ASC' } }),
    ctx.ds.getRepository(Consent).find({ where, order: { givenAt: 'ASC', id: 'ASC' } }),
    ctx.ds.getRepository(RightsRequestRow).find({ where, order: { createdAt: 'ASC', id: 'ASC' } }),
  ]);
  // Hidden entries are not even looked at: they are not the requester's to see (§4 note 2).
  const group = ctx.access.hiddenGroup(dossier.id);
  const visibleEntries = entries.filter((e) => !group || !(e.hiddenFrom as string[]).includes(group));
  const ownRequests = requests.filter((r) => r.requesterPersonIds.includes(viewer.personId));
  const section = (rows: Row[]) => rows.filter((r) => Object.keys(r).length > 1);

  return {
    format: 'kluis.rights-export/1',
    generatedAt: new Date().toISOString(),
    request: { id: request.id, type: request.type, receivedOn: request.receivedOn, decision: request.decision },
    requester: { personId: viewer.personId, relationships: ctx.access.access(dossier.id).relationships },
    dossier: { id: dossier.id, ...take('Dossier', dossier as unknown as Row, ['status', 'type', 'openedOn', 'closedOn']) },
    subject: { id: subject.id, ...person(subject, true) },
    ...(requester ? { requesterPerson: { id: requester.id, ...person(requester, false) } } : {}),
    family: section(ownFamily.map((m) => ({ id: m.id, ...take('FamilyMember', m as unknown as Row, ['relation', 'hasCustody', 'informedOfRegistration']) }))),
    entitlements: section(entitlements.map((e) => ({ id: e.id, ...take('Entitlement', e as unknown as Row, ['municipality', 'decisionNumber', 'product', 'validFrom', 'validUntil']) }))),
    supportPlan: {
      goals: section(goals.map((g) => ({ id: g.id, ...take('SupportPlanGoal', g as unknown as Row, ['text', 'status']) }))),
      evaluations: section(evaluations.map((e) => ({ id: e.id, ...take('SupportPlanEvaluation', e as unknown as Row, ['evaluatedOn', 'text']) }))),
    },
    entries: section(visibleEntries.map((e) => ({
      id: e.id,
      ...take('Entry', e as unknown as Row, ['kind', 'occurredOn', 'text'], { hiddenFrom: e.hiddenFrom }),
    }))),
    // A recipient who is a person (a parent under PARENTAL_ACCESS) is another person's data: named only to themself.
    consents: section(consents.map((c) => ({
      id: c.id,
      ...take('Consent', c as unknown as Row, ['kind', 'purpose', 'categories', 'scope', 'method', 'validFrom', 'validUntil', 'givenAt', 'withdrawnAt',
        ...(c.recipientPersonId === null || c.recipientPersonId === viewer.personId ? ['recipientName'] : [])]),
    }))),
    rightsRequests: section(ownRequests.map((r) => ({
      id: r.id,
      ...take('RightsRequest', r as unknown as Row, ['type', 'status', 'description', 'receivedOn', 'dueOn', 'extendedDueOn', 'decision', 'refusalGround', 'decisionNote', 'decidedAt'], { requesterIds: r.requesterPersonIds }),
    }))),
  };
}
