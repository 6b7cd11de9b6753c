import { In } from 'typeorm';
import { isEmail, isEnum, isISO8601, length, matches } from 'class-validator';
import type { Context } from '../context';
import { Dossier, Entry, FamilyMember, Person, RightsRequest } from '../entities';
import { Category, Gender, RightsDecision, RightsRequestStatus, RightsRequestType, VerificationMethod } from '../entities/enums';
import { badInput, conflict, notFound } from '../errors/errors';
import type { DecideRightsRequestInput, ExtendRightsRequestInput, FileRightsRequestInput, PersonCorrectionInput } from '../schema/rights-request.input';
import type { Connection } from '../schema/pagination';
import { addMonths, ageOn, dutchToday } from '../util/dates';
import { isUuid } from '../util/ids';
import { decodeCursor, PageArgs, toConnection } from './pagination';
import { destroyDossier } from './retention.service';
import { hydrate } from './hydrate';
import { inTransaction, touchDossier } from './write';

const { AWAITING_AGREEMENT, OPEN, DECIDED, CARRIED_OUT } = RightsRequestStatus;
const REQUESTERS = 'input.requesterPersonIds';

/** The due date (§8): received + 1 month, on the Dutch calendar. */
export const dueDateFor = (receivedOn: string): string => addMonths(receivedOn, 1);

/** The due date that counts: the extension if one was decided. */
export const effectiveDueOn = (r: Pick<RightsRequest, 'dueOn' | 'extendedDueOn'>): string => r.extendedDueOn ?? r.dueOn;

/** Open (the organisation can act on it) and past its effective due date. */
export const isOverdue = (r: Pick<RightsRequest, 'status' | 'dueOn' | 'extendedDueOn'>, today = dutchToday()): boolean =>
  r.status === OPEN && effectiveDueOn(r) < today;

/**
 * Who may file for the subject, by the subject's age on the day of filing (SPEC §8): 16+ the
 * youth alone; 12–15 the child together with a parent with custody; under 12 a parent with
 * custody. Throws BAD_USER_INPUT on `input.requesterPersonIds` naming what is missing or who
 * may not file. Ids only in messages: no names.
 */
export function checkRequesters(age: number, subjectId: string, custodians: ReadonlySet<string>, requesters: readonly string[]): void {
  const includesSubject = requesters.includes(subjectId);
  const others = requesters.filter((id) => id !== subjectId);
  const notCustodian = others.find((id) => !custodians.has(id));
  if (age >= 16) {
    if (!includesSubject) throw badInput(REQUESTERS, 'the subject is 16 or older: the youth files the request themself; add the subject as requester');
    if (others.length) throw badInput(REQUESTERS, `the subject is 16 or older: only the youth may file, not ${others[0]}`);
    return;
  }
  if (notCustodian) throw badInput(REQUESTERS, `${notCustodian} is not a parent with custody of the subject and may not file for them`);
  if (age >= 12) {
    if (!includesSubject) throw badInput(REQUESTERS, 'the subject is 12–15: the child files together with a parent with custody; the child (subject) is missing');
    if (!others.length) throw badInput(REQUESTERS, 'the subject is 12–15: the child files together with a parent with custody; a parent with custody is missing');
    return;
  }
  if (includesSubject) throw badInput(REQUESTERS, 'the subject is under 12: a parent with custody files for them, not the child');
  if (!others.length) throw badInput(REQUESTERS, 'the subject is under 12: a parent with custody is missing');
}

async function custodiansOf(ctx: Context, dossierId: string, organisationId: string): Promise<Set<string>> {
  const rows = await ctx.ds.getRepository(FamilyMember).findBy({ dossierId, organisationId, hasCustody: true });
  return new Set(rows.map((r) => r.personId));
}

async function subjectAgeOn(ctx: Context, subjectId: string, day: string): Promise<number> {
  const subject = await ctx.loaders.person.load(subjectId);
  if (!subject) throw notFound();
  return ageOn(subject.dateOfBirth, day);
}

/**
 * Files a rights request (§8). Two ways, one rule set:
 * - the privacy officer registers a request on behalf of named requesters, recording how their
 *   identity was verified (method, document type, by whom, when — never a copy or a number);
 * - a client files their own: their verified login is the identity check, they must be one of
 *   the requesters, and any co-requester they name (a 12–15 child's parent, or the child) agrees
 *   later with their own login (`confirmRightsRequest`). Until then the request is
 *   AWAITING_AGREEMENT, and its month starts on the day it is complete.
 * The shield rule already required the W cell (privacy officer) or the `file` reach (client).
 */
export async function fileRightsRequest(ctx: Context, input: FileRightsRequestInput): Promise<RightsRequest> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  const viewer = ctx.viewer;
  const today = dutchToday();
  let filedOn = today;
  let verification: Pick<RightsRequest, 'verificationMethod' | 'verificationDocumentType' | 'verifiedById' | 'verifiedAt'> = {
    verificationMethod: null, verificationDocumentType: null, verifiedById: null, verifiedAt: null,
  };
  let filedByPersonId: string | null = null;
  if (viewer.kind === 'client') {
    if (input.verification != null) throw badInput('input.verification', 'is recorded by the privacy officer; your login identifies you');
    if (input.receivedOn != null) throw badInput('input.receivedOn', 'is set by the privacy officer; a request filed online is received today');
    if (!input.requesterPersonIds.includes(viewer.personId)) throw badInput(REQUESTERS, 'must include yourself: you can only file a request you make');
    filedByPersonId = viewer.personId;
  } else {
    ctx.access.requireStaff();
    const v = input.verification;
    if (!v) throw badInput('input.verification', 'is required: record how the requesters\' identity was verified (method and document type)');
    if (v.method !== VerificationMethod.DIGID && !v.documentType) throw badInput('input.verification.documentType', `is required for ${v.method}`);
    const verifiedAt = v.verifiedAt ?? new Date();
    if (verifiedAt.getTime() > Date.now() + 60_000) throw badInput('input.verification.verifiedAt', 'must not be in the future');
    filedOn = input.receivedOn ?? today;
    const me = await ctx.access.professional();
    verification = { verificationMethod: v.method, verificationDocumentType: v.documentType ?? null, verifiedById: me.id, verifiedAt };
  }
  const custodians = await custodiansOf(ctx, dossier.id, dossier.organisationId);
  checkRequesters(await subjectAgeOn(ctx, dossier.subjectId, filedOn), dossier.subjectId, custodians, input.requesterPersonIds);
  const awaiting = filedByPersonId ? input.requesterPersonIds.filter((id) => id !== filedByPersonId) : [];
  return inTransaction(ctx, async (em) => {
    const repo = em.getRepository(RightsRequest);
    return repo.save(repo.create({
      organisationId: dossier.organisationId, dossierId: dossier.id, type: input.type, requesterPersonIds: input.requesterPersonIds,
      awaitingPersonIds: awaiting, filedByPersonId, description: input.description ?? null, receivedOn: filedOn, dueOn: dueDateFor(filedOn),
      status: awaiting.length ? AWAITING_AGREEMENT : OPEN, ...verification,
    }));
  });
}

/** A request of the viewer's organisation by id, or NOT_FOUND. */
export async function requestById(ctx: Context, id: string): Promise<RightsRequest> {
  const viewer = ctx.viewer;
  if (viewer.kind === 'anonymous' || !isUuid(id)) throw notFound('Rights request');
  const row = await ctx.ds.getRepository(RightsRequest).findOneBy({ id, organisationId: viewer.organisationId });
  if (!row) throw notFound('Rights request');
  return row;
}

/**
 * A named co-requester agrees with their own login (§8: a 12–15 child's parent, or the child).
 * The rules are checked again for today — custody may have changed — and when nobody is awaited
 * any more the request is complete: received today, due in a month.
 */
export async function confirmRightsRequest(ctx: Context, id: string): Promise<RightsRequest> {
  const row = await requestById(ctx, id);
  const dossier = await ctx.access.writableDossier(row.dossierId);
  const viewer = ctx.viewer;
  // Someone else's request does not exist for this viewer.
  if (viewer.kind !== 'client' || !row.requesterPersonIds.includes(viewer.personId)) throw notFound('Rights request');
  if (row.status !== AWAITING_AGREEMENT || !row.awaitingPersonIds.includes(viewer.personId)) throw conflict('This request does not await your agreement');
  const today = dutchToday();
  const custodians = await custodiansOf(ctx, dossier.id, dossier.organisationId);
  checkRequesters(await subjectAgeOn(ctx, dossier.subjectId, today), dossier.subjectId, custodians, row.requesterPersonIds);
  const awaiting = row.awaitingPersonIds.filter((p) => p !== viewer.personId);
  const complete = awaiting.length === 0;
  return inTransaction(ctx, async (em) => {
    const changes: Partial<RightsRequest> = complete
      ? { awaitingPersonIds: [], status: OPEN, receivedOn: today, dueOn: dueDateFor(today) }
      : { awaitingPersonIds: awaiting };
    // Conditional on the state read: two agreements at once cannot both complete it.
    const res = await em.createQueryBuilder().update(RightsRequest).set(changes)
      .where('id = :id AND status = :status AND :person = ANY(awaiting_person_ids)', { id: row.id, status: AWAITING_AGREEMENT, person: viewer.personId }).execute();
    if (!res.affected) throw conflict('This request changed meanwhile; reload it');
    return em.getRepository(RightsRequest).findOneByOrFail({ id: row.id });
  });
}

/**
 * The one extension (§8): up to 2 months after the due date, with a reason, decided within the
 * first month (on or before the original due date). A second one is refused.
 */
export async function extendRightsRequest(ctx: Context, input: ExtendRightsRequestInput): Promise<RightsRequest> {
  const row = await requestById(ctx, input.id);
  const today = dutchToday();
  if (row.status !== OPEN) throw badInput('input.id', 'only an open request can be extended');
  if (row.extendedDueOn) throw badInput('input.id', `was already extended once (to ${row.extendedDueOn}); a second extension is not allowed`);
  if (today > row.dueOn) throw badInput('input.extendedDueOn', `an extension must be decided within the first month, by ${row.dueOn}`);
  const latest = addMonths(row.dueOn, 2);
  if (!isISO8601(input.extendedDueOn, { strict: true }) || input.extendedDueOn <= row.dueOn || input.extendedDueOn > latest) {
    throw badInput('input.extendedDueOn', `must be after ${row.dueOn} and at most 2 months later (${latest})`);
  }
  if (!input.reason.trim()) throw badInput('input.reason', 'must give the reason for the extension');
  await ctx.access.requireWrite(row.dossierId, 'UPDATE', [Category.RIGHTS], ['RightsRequest.extendedDueOn', 'RightsRequest.extensionReason']);
  return inTransaction(ctx, async (em) => {
    const res = await em.createQueryBuilder().update(RightsRequest)
      .set({ extendedDueOn: input.extendedDueOn, extensionReason: input.reason, extensionDecidedAt: new Date() })
      .where('id = :id AND status = :status AND extended_due_on IS NULL', { id: row.id, status: OPEN }).execute();
    if (!res.affected) throw conflict('This request changed meanwhile; reload it');
    return em.getRepository(RightsRequest).findOneByOrFail({ id: row.id });
  });
}

/** Validation of a corrected value, per field: the same limits as the person input and columns. */
const CORRECTION_RULES: Record<PersonCorrectionInput['field'], { required: boolean; valid: (v: string) => boolean; message: string }> = {
  firstName: { required: true, valid: (v) => length(v.trim(), 1, 100), message: 'must be 1-100 characters' },
  lastName: { required: true, valid: (v) => length(v.trim(), 1, 100), message: 'must be 1-100 characters' },
  dateOfBirth: { required: true, valid: (v) => isISO8601(v, { strict: true }) && /^\d{4}-\d{2}-\d{2}$/.test(v) && v <= dutchToday(), message: 'must be a date (YYYY-MM-DD) not in the future' },
  gender: { required: true, valid: (v) => isEnum(v, Gender), message: `must be one of ${Object.values(Gender).join(', ')}` },
  nationality: { required: false, valid: (v) => length(v, 2, 60), message: 'must be 2-60 characters' },
  street: { required: false, valid: (v) => length(v, 1, 200), message: 'must be 1-200 characters' },
  postalCode: { required: false, valid: (v) => matches(v, /^[1-9][0-9]{3} ?[A-Z]{2}$/), message: 'must be a Dutch postal code like 1234 AB' },
  city: { required: false, valid: (v) => length(v, 1, 100), message: 'must be 1-100 characters' },
  phone: { required: false, valid: (v) => matches(v, /^\+?[0-9][0-9 -]{5,18}$/), message: 'must be a phone number' },
  email: { required: false, valid: (v) => v.length <= 254 && isEmail(v), message: 'must be an e-mail address' },
};

const APPLIES_CHANGES = new Set([RightsRequestType.RECTIFICATION, RightsRequestType.ERASURE, RightsRequestType.EARLY_DESTRUCTION]);

/**
 * The privacy officer's decision (§8). REFUSED and PARTIALLY_GRANTED need a ground and a note;
 * GRANTED has no ground. A (partially) granted RECTIFICATION applies exactly the corrections
 * listed — person fields only: journal text is a professional judgement and is never rewritten
 * (PROFESSIONAL_OPINION); a (partially) granted ERASURE removes exactly the entries and relatives
 * listed; a granted EARLY_DESTRUCTION destroys the dossier. A refusal changes no data. Everything
 * commits with its access-log events, or nothing does.
 */
export async function decideRightsRequest(ctx: Context, input: DecideRightsRequestInput): Promise<RightsRequest> {
  const row = await requestById(ctx, input.id);
  if (row.status === AWAITING_AGREEMENT) throw badInput('input.id', 'still awaits the agreement of a co-requester');
  if (row.status !== OPEN) throw conflict('This request was already decided');
  const granted = input.decision !== RightsDecision.REFUSED;
  if (input.decision === RightsDecision.GRANTED && input.refusalGround) throw badInput('input.refusalGround', 'a fully granted request has no refusal ground');
  if (!granted || input.decision === RightsDecision.PARTIALLY_GRANTED) {
    if (!input.refusalGround) throw badInput('input.refusalGround', `is required for ${input.decision}`);
    if (!input.note?.trim()) throw badInput('input.note', `is required for ${input.decision}: explain the refusal to the requester`);
  }
  const corrections = input.corrections ?? [];
  const erasure = { entryIds: input.erasure?.entryIds ?? [], familyMemberIds: input.erasure?.familyMemberIds ?? [] };
  const erases = erasure.entryIds.length + erasure.familyMemberIds.length > 0;
  if (corrections.length && row.type !== RightsRequestType.RECTIFICATION) throw badInput('input.corrections', 'only a RECTIFICATION request corrects data');
  if (input.erasure && row.type !== RightsRequestType.ERASURE) throw badInput('input.erasure', 'only an ERASURE request erases data');
  if (!granted && (corrections.length || erases)) throw badInput(corrections.length ? 'input.corrections' : 'input.erasure', 'a refused request changes no data');
  if (granted && row.type === RightsRequestType.RECTIFICATION && !corrections.length) throw badInput('input.corrections', 'list the corrections that are granted');
  if (granted && row.type === RightsRequestType.ERASURE && !erases) throw badInput('input.erasure', 'list the entries or relatives that are erased');
  if (row.type === RightsRequestType.EARLY_DESTRUCTION && input.decision === RightsDecision.PARTIALLY_GRANTED) {
    throw badInput('input.decision', 'a dossier is destroyed whole or not at all');
  }

  const dossier = await ctx.loaders.dossier.load(row.dossierId);
  if (!dossier) throw notFound('Rights request');
  if (granted && (erases || row.type === RightsRequestType.EARLY_DESTRUCTION) && dossier.legalHold) {
    throw badInput('input.decision', 'the dossier is under legal hold: nothing can be erased or destroyed; refuse with LEGITIMATE_INTEREST or LEGAL_RETENTION');
  }

  // Validate everything before writing anything.
  const members = await ctx.ds.getRepository(FamilyMember).findBy({ dossierId: dossier.id, organisationId: dossier.organisationId });
  const personsOfDossier = new Set([dossier.subjectId, ...members.map((m) => m.personId)]);
  corrections.forEach((c, i) => {
    if (!personsOfDossier.has(c.personId)) throw badInput(`input.corrections.${i}.personId`, 'is not a person of this dossier');
    const rule = CORRECTION_RULES[c.field];
    const value = c.value ?? null;
    if (value === null ? rule.required : !rule.valid(value)) throw badInput(`input.corrections.${i}.value`, value === null ? `${c.field} cannot be cleared` : `${c.field} ${rule.message}`);
  });
  if (erasure.entryIds.length) {
    const found = await ctx.ds.getRepository(Entry).countBy({ id: In(erasure.entryIds), dossierId: dossier.id, organisationId: dossier.organisationId });
    if (found !== erasure.entryIds.length) throw badInput('input.erasure.entryIds', 'names an entry that is not in this dossier');
  }
  const erasedMembers = members.filter((m) => erasure.familyMemberIds.includes(m.id));
  if (erasedMembers.length !== erasure.familyMemberIds.length) throw badInput('input.erasure.familyMemberIds', 'names a relative who is not in this dossier');

  const decisionPaths = ['RightsRequest.decision', 'RightsRequest.refusalGround', 'RightsRequest.decisionNote'];
  // The privacy officer handles rights requests (W on RIGHTS); the data changes below are the
  // execution of that decision and are logged with it, field by field (never values).
  await ctx.access.requireWrite(row.dossierId, 'UPDATE', [Category.RIGHTS], [...decisionPaths, ...new Set(corrections.map((c) => `Person.${c.field}`))]);
  const me = await ctx.access.professional();
  const carriesOut = granted && APPLIES_CHANGES.has(row.type);
  // Destruction removes the whole dossier (retention.service keeps a record without personal data).
  if (granted && row.type === RightsRequestType.EARLY_DESTRUCTION) ctx.access.recordWrite(dossier.id, dossier.subjectId, 'DELETE', ['Dossier.id']);
  if (erases) ctx.access.recordWrite(dossier.id, dossier.subjectId, 'DELETE', [...(erasure.entryIds.length ? ['Entry.*'] : []), ...(erasedMembers.length ? ['FamilyMember.*'] : [])]);

  return inTransaction(ctx, async (em) => {
    const now = new Date();
    const decided: Partial<RightsRequest> = {
      decision: input.decision, refusalGround: input.refusalGround ?? null, decisionNote: input.note ?? null, decidedAt: now, decidedById: me.id,
      status: carriesOut ? CARRIED_OUT : DECIDED, carriedOutAt: carriesOut ? now : null,
    };
    const res = await em.createQueryBuilder().update(RightsRequest).set(decided).where('id = :id AND status = :status', { id: row.id, status: OPEN }).execute();
    if (!res.affected) throw conflict('This request was decided meanwhile');
    if (granted) {
      for (const c of corrections) {
        const value = c.value == null ? null : c.field === 'firstName' || c.field === 'lastName' ? c.value.trim() : c.value;
        await em.createQueryBuilder().update(Person).set({ [c.field]: value } as never)
          .where('id = :id AND organisation_id = :org', { id: c.personId, org: dossier.organisationId }).execute();
      }
      if (erasure.entryIds.length) await em.getRepository(Entry).delete({ id: In(erasure.entryIds), dossierId: dossier.id });
      for (const m of erasedMembers) {
        await em.getRepository(FamilyMember).delete({ id: m.id });
        // The person goes too when nothing else refers to them (another dossier, a consent, a request).
        await em.query(
          `DELETE FROM person p WHERE p.id = $1 AND p.organisation_id = $2
             AND NOT EXISTS (SELECT 1 FROM dossier d WHERE d.subject_id = p.id)
             AND NOT EXISTS (SELECT 1 FROM family_member f WHERE f.person_id = p.id)
             AND NOT EXISTS (SELECT 1 FROM consent_signature s WHERE s.person_id = p.id)
             AND NOT EXISTS (SELECT 1 FROM consent c WHERE c.recipient_person_id = p.id OR c.withdrawn_by_id = p.id)
             AND NOT EXISTS (SELECT 1 FROM rights_request r WHERE p.id = ANY(r.requester_person_ids))`,
          [m.personId, dossier.organisationId],
        );
      }
      if (row.type === RightsRequestType.EARLY_DESTRUCTION) {
        await destroyDossier(em, dossier.id, dossier.organisationId, 'EARLY_DESTRUCTION', row.id);
      } else if (corrections.length || erases) {
        await touchDossier(em, dossier.id);
      }
    }
    return Object.assign(em.getRepository(RightsRequest).create(row), decided);
  });
}

/**
 * The privacy officer's queue (§8): every request of the organisation that is not decided yet
 * (including those awaiting a co-requester), by effective due date, then id.
 */
export async function rightsRequestQueue(ctx: Context, page: PageArgs): Promise<Connection<RightsRequest>> {
  const staff = ctx.access.requireStaff();
  const params: unknown[] = [staff.organisationId, [OPEN, AWAITING_AGREEMENT], page.first + 1];
  let after = '';
  if (page.after) {
    const [due, id] = decodeCursor(page.after, 2);
    if (typeof due !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(due) || typeof id !== 'string' || !isUuid(id)) throw badInput('after', 'is not a valid cursor');
    params.push(due, id);
    after = 'AND (COALESCE(extended_due_on, due_on), id) > ($4::date, $5::uuid)';
  }
  const rows = hydrate(ctx.ds.manager, RightsRequest, await ctx.ds.query(
    `SELECT * FROM rights_request WHERE organisation_id = $1 AND status = ANY($2::varchar[]) ${after}
     ORDER BY COALESCE(extended_due_on, due_on), id LIMIT $3`,
    params,
  ));
  // The dossiers are admitted (relationships loaded, READ logged) so each field is decided and
  // logged. Loading the relationships primes the dossier loader: one statement for both.
  const dossierIds = [...new Set(rows.map((r) => r.dossierId))];
  await Promise.all(dossierIds.map((id) => ctx.access.grants(id)));
  const dossiers = await ctx.loaders.dossier.loadMany(dossierIds);
  await ctx.access.admit(dossiers.filter((d): d is Dossier => d instanceof Dossier));
  return toConnection(rows, page.first, (r) => [effectiveDueOn(r), r.id]);
}

