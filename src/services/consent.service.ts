import type { EntityManager } from 'typeorm';
import type { Context } from '../context';
import { Consent, ConsentSignature, Disclosure } from '../entities';
import { Category, ConsentKind, ConsentScope, DisclosureBasis } from '../entities/enums';
import { badInput, conflict, consentRequired, notFound } from '../errors/errors';
import { CONSENT_USABLE } from '../permissions/relationships.sql';
import type { GiveConsentInput, RecordDisclosureInput } from '../schema/consent.input';
import { ConsentStatus } from '../schema/consent.type';
import { ageOn, dutchToday } from '../util/dates';
import { checkSignatures, SignatureFacts } from './consent.rules';
import { inTransaction, touchDossier } from './write';

/** Categories no consent can open: work notes are outside every exchange, the log is the client's own (§4). */
const NEVER_SHARED: ReadonlySet<Category> = new Set([Category.WORK_NOTES, Category.ACCESS_LOG]);

/** Where a consent stands on `today`. */
export function consentStatus(c: Consent, today: string): ConsentStatus {
  if (c.withdrawnAt) return ConsentStatus.WITHDRAWN;
  if (c.awaitingSignature) return ConsentStatus.AWAITING_SIGNATURE;
  if (c.consumedAt) return ConsentStatus.CONSUMED;
  if (c.validUntil && c.validUntil < today) return ConsentStatus.EXPIRED;
  if (c.validFrom && c.validFrom > today) return ConsentStatus.NOT_YET_VALID;
  return ConsentStatus.ACTIVE;
}

/** The subject's age on `day` and the custodians as the family record has them now. */
async function signatureFacts(em: EntityManager, dossierId: string, organisationId: string, day: string): Promise<SignatureFacts> {
  const [row]: { subject_id: string; date_of_birth: string; custodians: string[]; under12: SignatureFacts['under12'] }[] = await em.query(
    `SELECT d.subject_id, s.date_of_birth::text AS date_of_birth, o.consent_signers_under12 AS under12,
            ARRAY(SELECT fm.person_id FROM family_member fm WHERE fm.dossier_id = d.id AND fm.has_custody)::text[] AS custodians
     FROM dossier d JOIN person s ON s.id = d.subject_id JOIN organisation o ON o.organisation_id = d.organisation_id
     WHERE d.id = $1 AND d.organisation_id = $2`,
    [dossierId, organisationId],
  );
  return { subjectId: row.subject_id, subjectAge: ageOn(row.date_of_birth, day), custodianIds: row.custodians, under12: row.under12 };
}

function validateContent(input: GiveConsentInput, facts: SignatureFacts, givenOn: string): void {
  if (input.validFrom && input.validUntil && input.validUntil < input.validFrom) throw badInput('input.validUntil', 'must not be before validFrom');
  if (input.kind === ConsentKind.PARENTAL_ACCESS) {
    if (facts.subjectAge < 16) throw badInput('input.kind', 'PARENTAL_ACCESS is given by a youth of 16 or older; parents of younger children read by custody');
    if (!input.recipientPersonId || !facts.custodianIds.includes(input.recipientPersonId)) {
      throw badInput('input.recipientPersonId', 'must name a parent with custody in this dossier');
    }
    if (input.categories?.length || input.recipientClientId) throw badInput('input.categories', 'PARENTAL_ACCESS lets a parent read as §4 allows; it names no categories or application');
    return;
  }
  if (input.recipientPersonId) throw badInput('input.recipientPersonId', 'only a PARENTAL_ACCESS consent names a parent');
  if (!input.categories?.length) throw badInput('input.categories', 'name the categories that may be shared');
  const never = input.categories.find((c) => NEVER_SHARED.has(c));
  if (never) throw badInput('input.categories', `${never} can never be shared under a consent`);
  // Consent is per exchange: a period must end (§7, no blanket consent at intake).
  if (input.scope === ConsentScope.PERIOD && !input.validUntil) throw badInput('input.validUntil', 'a PERIOD consent must end');
  if (input.validUntil && input.validUntil < givenOn) throw badInput('input.validUntil', 'must not be before the day the consent is given');
}

/**
 * Records a consent (SPEC §7). Staff record who signed (all required signers at once, or it is
 * refused naming the missing one); a parent or youth gives it themself, and where a co-signature
 * is needed (a child of 12–15, every custodian) the consent waits for it and counts only then.
 * Who must sign is judged on the subject's age on the day it was given.
 */
export async function giveConsent(ctx: Context, input: GiveConsentInput): Promise<Consent> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  const viewer = ctx.viewer;
  const selfSigned = ctx.access.writeReach(dossier.id, Category.CONSENT) === 'sign' && viewer.kind === 'client';
  const now = new Date();
  if (input.givenAt && input.givenAt.getTime() > now.getTime()) throw badInput('input.givenAt', 'must not be in the future');
  // A client signs now, as themself; only staff record a signature given earlier, on paper.
  if (selfSigned && input.givenAt) throw badInput('input.givenAt', 'a consent you give yourself is given now');
  if (!selfSigned && !input.signedBy?.length) throw badInput('input.signedBy', 'name the persons who gave the consent');
  const givenAt = selfSigned ? now : input.givenAt ?? now;
  const givenOn = dutchToday(givenAt);
  const signers = selfSigned ? [viewer.personId] : input.signedBy!;

  const facts = await signatureFacts(ctx.ds.manager, dossier.id, dossier.organisationId, givenOn);
  validateContent(input, facts, givenOn);
  const check = checkSignatures(signers, facts);
  if ('invalid' in check) throw badInput('input.signedBy', check.invalid);
  if (!check.complete && !selfSigned) throw badInput('input.signedBy', `missing signer: ${check.message}`);

  return inTransaction(ctx, async (em) => {
    const consent = await em.getRepository(Consent).save(em.getRepository(Consent).create({
      organisationId: dossier.organisationId, dossierId: dossier.id, kind: input.kind, recipientName: input.recipientName,
      recipientClientId: input.recipientClientId ?? null, recipientPersonId: input.recipientPersonId ?? null, purpose: input.purpose,
      categories: input.categories ?? [], scope: input.scope, method: input.method, validFrom: input.validFrom ?? givenOn,
      validUntil: input.validUntil ?? null, givenAt, awaitingSignature: check.complete ? null : check.missing, consumedAt: null,
      withdrawnAt: null, withdrawnById: null,
    }));
    await em.getRepository(ConsentSignature).insert([...check.capacities].map(([personId, capacity]) => ({
      organisationId: dossier.organisationId, consentId: consent.id, personId, capacity, signedAt: givenAt,
    })));
    await touchDossier(em, dossier.id);
    return consent;
  });
}

async function consentIn(ctx: Context, id: string): Promise<Consent> {
  if (ctx.viewer.kind === 'anonymous') throw notFound('Consent');
  const consent = await ctx.ds.getRepository(Consent).findOneBy({ id, organisationId: ctx.viewer.organisationId });
  if (!consent) throw notFound('Consent');
  await ctx.access.writableDossier(consent.dossierId);
  return consent;
}

/** A parent or child adds the signature a consent awaits (§7: 12–15 needs parent and child). */
export async function coSignConsent(ctx: Context, id: string): Promise<Consent> {
  const consent = await consentIn(ctx, id);
  const viewer = ctx.viewer;
  if (viewer.kind !== 'client') throw badInput('id', 'only the person who signs can add a signature');
  if (consentStatus(consent, ctx.access.today) !== ConsentStatus.AWAITING_SIGNATURE) throw conflict('This consent awaits no signature');
  const signed = await ctx.ds.getRepository(ConsentSignature).findBy({ consentId: consent.id });
  if (signed.some((s) => s.personId === viewer.personId)) throw conflict('You have already signed this consent');
  const facts = await signatureFacts(ctx.ds.manager, consent.dossierId, consent.organisationId, dutchToday(consent.givenAt));
  const check = checkSignatures([...signed.map((s) => s.personId), viewer.personId], facts);
  if ('invalid' in check) throw badInput('id', check.invalid);
  return inTransaction(ctx, async (em) => {
    await em.getRepository(ConsentSignature).insert({
      organisationId: consent.organisationId, consentId: consent.id, personId: viewer.personId, capacity: check.capacities.get(viewer.personId)!, signedAt: new Date(),
    });
    consent.awaitingSignature = check.complete ? null : check.missing;
    await em.getRepository(Consent).update({ id: consent.id }, { awaitingSignature: consent.awaitingSignature });
    await touchDossier(em, consent.dossierId);
    return consent;
  });
}

/**
 * Withdraws a consent at once (§7): the next read under it is refused. Withdrawing is as easy as
 * giving (AVG art. 7(3)): a child of 12–15 may withdraw a consent they co-signed.
 */
export async function withdrawConsent(ctx: Context, id: string): Promise<Consent> {
  const consent = await consentIn(ctx, id);
  if (consent.withdrawnAt) throw conflict('This consent was already withdrawn');
  const viewer = ctx.viewer;
  if (ctx.access.writeReach(consent.dossierId, Category.CONSENT) === 'coSign') {
    const mine = viewer.kind === 'client' && (await ctx.ds.getRepository(ConsentSignature).existsBy({ consentId: consent.id, personId: viewer.personId }));
    if (!mine) throw badInput('id', 'you can withdraw only a consent you signed');
  }
  const by = viewer.kind === 'client' ? viewer.personId : (await ctx.access.professional()).id;
  return inTransaction(ctx, async (em) => {
    consent.withdrawnAt = new Date();
    consent.withdrawnById = by;
    await em.getRepository(Consent).update({ id: consent.id }, { withdrawnAt: consent.withdrawnAt, withdrawnById: by });
    await touchDossier(em, consent.dossierId);
    return consent;
  });
}

function requireBasisFields(input: RecordDisclosureInput): void {
  const need = (field: keyof RecordDisclosureInput, why: string) => {
    if (input[field] === undefined || input[field] === null) throw badInput(`input.${field}`, why);
  };
  switch (input.legalBasis) {
    case DisclosureBasis.CONSENT:
      need('consentId', 'a CONSENT disclosure names the consent it rests on');
      break;
    case DisclosureBasis.LEGAL_DUTY:
      need('legalDuty', 'a LEGAL_DUTY disclosure names the duty');
      break;
    case DisclosureBasis.SAFETY:
      // Meldcode: sharing without consent is justified only when recorded in full.
      need('safetyReason', 'a SAFETY disclosure (Meldcode) records why');
      need('consultedColleagueRole', 'a SAFETY disclosure (Meldcode) records the role of the colleague consulted');
      need('clientInformed', 'a SAFETY disclosure (Meldcode) records whether the client was informed');
      if (input.clientInformed) {
        need('clientInformedHow', 'record how the client was informed');
        need('clientInformedAt', 'record when the client was informed');
      } else {
        need('clientNotInformedReason', 'record why the client was not informed');
      }
      break;
  }
}

/**
 * Records an exchange with a third party outside Kluis (§7). A CONSENT disclosure needs a consent
 * that is valid now — complete, not withdrawn or used, in its period, its parent signers still
 * holding custody — and covering the categories; a SINGLE_EXCHANGE consent is used up by it.
 */
export async function recordDisclosure(ctx: Context, input: RecordDisclosureInput): Promise<Disclosure> {
  const dossier = await ctx.access.writableDossier(input.dossierId);
  requireBasisFields(input);
  if (input.clientInformedAt && input.clientInformedAt.getTime() > Date.now()) throw badInput('input.clientInformedAt', 'must not be in the future');
  return inTransaction(ctx, async (em) => {
    if (input.legalBasis === DisclosureBasis.CONSENT) {
      // FOR UPDATE: two exchanges cannot both use one SINGLE_EXCHANGE consent.
      const [usable]: { id: string; scope: ConsentScope; categories: string[] }[] = await em.query(
        `SELECT c.id, c.scope, c.categories FROM consent c
         WHERE c.id = $1 AND c.dossier_id = $2 AND c.organisation_id = $3 AND c.kind = '${ConsentKind.DISCLOSURE}' AND ${CONSENT_USABLE('c', '$4')}
         FOR UPDATE`,
        [input.consentId, dossier.id, dossier.organisationId, ctx.access.today],
      );
      if (!usable) throw consentRequired('The consent is not valid now (withdrawn, used, outside its period, awaiting a signature, or a signer lost custody)');
      const uncovered = input.categories.filter((c) => !usable.categories.includes(c));
      if (uncovered.length) throw consentRequired(`The consent does not cover ${uncovered.join(', ')}`);
      if (usable.scope === ConsentScope.SINGLE_EXCHANGE) await em.query('UPDATE consent SET consumed_at = now() WHERE id = $1', [usable.id]);
    }
    const disclosure = await em.getRepository(Disclosure).save(em.getRepository(Disclosure).create({
      organisationId: dossier.organisationId, dossierId: dossier.id, recipientName: input.recipientName, recipientClientId: null,
      categories: input.categories, disclosedAt: new Date(), legalBasis: input.legalBasis,
      consentId: input.legalBasis === DisclosureBasis.CONSENT ? input.consentId! : null,
      legalDuty: input.legalDuty ?? null, safetyReason: input.safetyReason ?? null, consultedColleagueRole: input.consultedColleagueRole ?? null,
      clientInformed: input.clientInformed ?? null, clientInformedHow: input.clientInformedHow ?? null, clientInformedAt: input.clientInformedAt ?? null,
      clientNotInformedReason: input.clientNotInformedReason ?? null,
    }));
    await touchDossier(em, dossier.id);
    return disclosure;
  });
}
