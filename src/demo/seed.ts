import { DataSource, EntityManager } from 'typeorm';
import {
  CareTeamAssignment, Dossier, Entitlement, Entry, FamilyMember, Organisation, Person, Professional, SupportPlan,
  SupportPlanEvaluation, SupportPlanGoal, WorkNote,
} from '../entities';
import { AssignmentRole, DossierType, EntryKind, FamilyRelation, Gender, GoalStatus, HiddenFrom, StaffRole } from '../entities/enums';
import { isValidBsn } from '../schema/validators';
import { addMonths, dutchToday } from '../util/dates';
import { DEMO_CLIENTS, DEMO_ORG_ID, DEMO_STAFF, DEMO_UNASSIGNED_CARE_WORKER } from './demo-users';

/**
 * BSNs from the range 999990000–999999999 that the RvIG reserves for testing: they pass the
 * elfproef and belong to nobody.
 */
export function* testBsns(start = 999990000): Generator<string> {
  for (let n = start; n <= 999999999; n += 1) {
    const s = String(n);
    if (isValidBsn(s)) yield s;
  }
}

/** A date of birth that makes someone `years` old (and a few months) today. */
function bornYearsAgo(years: number, months = 4): string {
  return addMonths(dutchToday(), -(years * 12 + months));
}

interface FamilySpec {
  child: { id?: string; first: string; last: string; years: number; gender: Gender };
  parents: { id?: string; first: string; last: string; relation: FamilyRelation; custody: boolean; confidential?: boolean; gender: Gender }[];
  type: DossierType;
  expert: boolean;
  signal?: boolean;
}

const FAMILIES: FamilySpec[] = [
  {
    child: { first: 'Noah', last: 'Peeters', years: 9, gender: Gender.MALE },
    parents: [
      { first: 'Linda', last: 'Peeters', relation: FamilyRelation.MOTHER, custody: true, gender: Gender.FEMALE },
      { first: 'Marco', last: 'Peeters', relation: FamilyRelation.FATHER, custody: true, gender: Gender.MALE },
    ],
    type: DossierType.YOUTH_CARE,
    expert: false,
  },
  {
    child: { id: DEMO_CLIENTS.child_12_15.personId, first: 'Emma', last: 'Jacobs', years: 14, gender: Gender.FEMALE },
    parents: [
      { id: DEMO_CLIENTS.parent.personId, first: 'Sophie', last: 'de Bruin', relation: FamilyRelation.MOTHER, custody: true, confidential: true, gender: Gender.FEMALE },
      { first: 'Tom', last: 'Jacobs', relation: FamilyRelation.FATHER, custody: true, gender: Gender.MALE },
    ],
    type: DossierType.YOUTH_PROTECTION,
    expert: true,
    signal: true,
  },
  {
    child: { id: DEMO_CLIENTS.youth_16_plus.personId, first: 'Daan', last: 'Smit', years: 17, gender: Gender.MALE },
    parents: [{ first: 'Ingrid', last: 'Smit', relation: FamilyRelation.MOTHER, custody: true, gender: Gender.FEMALE }],
    type: DossierType.YOUTH_CARE,
    expert: true,
  },
];

async function seedFamily(em: EntityManager, spec: FamilySpec, bsns: Generator<string>, staff: Record<string, Professional>, index: number) {
  const org = DEMO_ORG_ID;
  const people = em.getRepository(Person);
  const city = ['Rotterdam', 'Schiedam', 'Vlaardingen'][index];
  const child = await people.save(people.create({
    id: spec.child.id, organisationId: org, firstName: spec.child.first, lastName: spec.child.last, dateOfBirth: bornYearsAgo(spec.child.years),
    gender: spec.child.gender, nationality: 'NL', street: `Voorbeeldstraat ${10 + index}`, postalCode: `30${11 + index} AB`, city,
    bsn: bsns.next().value as string, phone: spec.child.years >= 12 ? `06-1234567${index}` : null,
  }));
  const dossier = await em.getRepository(Dossier).save(em.getRepository(Dossier).create({
    organisationId: org, subjectId: child.id, type: spec.type, openedOn: addMonths(dutchToday(), -8), verwijsindexSignalOn: spec.signal ? addMonths(dutchToday(), -2) : null,
  }));
  for (const [i, p] of spec.parents.entries()) {
    const parent = await people.save(people.create({
      id: p.id, organisationId: org, firstName: p.first, lastName: p.last, dateOfBirth: bornYearsAgo(38 + i * 3), gender: p.gender, nationality: 'NL',
      street: p.confidential ? 'Geheim adres 1' : `Voorbeeldstraat ${10 + index}`, postalCode: p.confidential ? '3000 ZZ' : `30${11 + index} AB`, city,
      phone: `06-9876543${i}`, email: `${p.first.toLowerCase()}.demo@example.org`, addressConfidential: !!p.confidential,
      bsn: bsns.next().value as string,
    }));
    await em.getRepository(FamilyMember).insert({ organisationId: org, dossierId: dossier.id, personId: parent.id, relation: p.relation, hasCustody: p.custody, informedOfRegistration: true });
  }
  const assign = (who: Professional, role: AssignmentRole) =>
    em.getRepository(CareTeamAssignment).insert({ organisationId: org, dossierId: dossier.id, professionalId: who.id, role, validFrom: new Date(Date.now() - 200 * 86400_000), validUntil: null });
  await assign(staff[StaffRole.CARE_WORKER], AssignmentRole.CARE_WORKER);
  await assign(staff[StaffRole.ADMIN_SUPPORT], AssignmentRole.ADMIN_SUPPORT);
  if (spec.expert) await assign(staff[StaffRole.BEHAVIOURAL_EXPERT], AssignmentRole.BEHAVIOURAL_EXPERT);

  await em.getRepository(Entitlement).insert({
    organisationId: org, dossierId: dossier.id, municipality: 'Gemeente Rotterdam', decisionNumber: `BS-2026-${1000 + index}`,
    product: spec.type === DossierType.YOUTH_PROTECTION ? 'Jeugdbescherming – ondertoezichtstelling' : 'Ambulante gezinsbegeleiding',
    validFrom: addMonths(dutchToday(), -8), validUntil: addMonths(dutchToday(), 4),
  });
  const plan = await em.getRepository(SupportPlan).save(em.getRepository(SupportPlan).create({ organisationId: org, dossierId: dossier.id }));
  await em.getRepository(SupportPlanGoal).insert([
    { organisationId: org, planId: plan.id, dossierId: dossier.id, text: `${spec.child.first} gaat weer elke dag naar school.`, status: GoalStatus.IN_PROGRESS },
    { organisationId: org, planId: plan.id, dossierId: dossier.id, text: 'Vaste dagstructuur thuis met afspraken over bedtijd.', status: GoalStatus.OPEN },
  ]);
  await em.getRepository(SupportPlanEvaluation).insert({ organisationId: org, planId: plan.id, dossierId: dossier.id, evaluatedOn: addMonths(dutchToday(), -1), text: 'Eerste evaluatie: schoolgang verbeterd, structuur thuis nog wisselend.' });

  const cw = staff[StaffRole.CARE_WORKER];
  const entries: Partial<Entry>[] = [
    { kind: EntryKind.CONTACT, occurredOn: addMonths(dutchToday(), -3), text: `Huisbezoek bij ${spec.child.first} en ouder(s); kennismaking en hulpvraag besproken.` },
    { kind: EntryKind.OBSERVATION, occurredOn: addMonths(dutchToday(), -2), text: `${spec.child.first} maakt een rustige indruk op school volgens de mentor.` },
    { kind: EntryKind.EVALUATION, occurredOn: addMonths(dutchToday(), -1), text: 'Tussenevaluatie met gezin: doelen blijven staan.' },
  ];
  if (spec.signal) {
    entries.push({ kind: EntryKind.CORRESPONDENCE, occurredOn: addMonths(dutchToday(), -1), text: 'Gesprek met moeder over veiligheid; adres blijft afgeschermd voor vader.', hiddenFrom: [HiddenFrom.PARENTS] });
    entries.push({ kind: EntryKind.OBSERVATION, occurredOn: addMonths(dutchToday(), -1), text: 'Zorg over belasting van ouder; nog niet met kind besproken.', hiddenFrom: [HiddenFrom.SUBJECT] });
  }
  await em.getRepository(Entry).insert(entries.map((e) => ({ hiddenFrom: [], ...e, organisationId: org, dossierId: dossier.id, authorId: cw.id })));
  await em.getRepository(WorkNote).insert({ organisationId: org, dossierId: dossier.id, authorId: cw.id, text: 'Eigen aantekening: volgende keer vragen naar oma als steunfiguur.' });
  await em.query('UPDATE dossier SET last_contact_on = $2 WHERE id = $1', [dossier.id, addMonths(dutchToday(), -3)]);
}

/**
 * Loads the fictional demo organisation once (a second call finds it and does nothing). All
 * names are invented; BSNs come from the test range.
 */
export async function seedDemoData(ds: DataSource): Promise<boolean> {
  return ds.transaction(async (em) => {
    if (await em.getRepository(Organisation).existsBy({ id: DEMO_ORG_ID })) return false;
    await em.getRepository(Organisation).insert({ id: DEMO_ORG_ID, name: 'Jeugdhulp Voorbeeldstad (demo)' });
    const staff: Record<string, Professional> = {};
    for (const [role, u] of Object.entries(DEMO_STAFF)) {
      staff[role] = await em.getRepository(Professional).save(em.getRepository(Professional).create({ organisationId: DEMO_ORG_ID, subject: u.sub, displayName: u.name }));
    }
    await em.getRepository(Professional).insert({ organisationId: DEMO_ORG_ID, subject: DEMO_UNASSIGNED_CARE_WORKER.sub, displayName: DEMO_UNASSIGNED_CARE_WORKER.name });
    const bsns = testBsns();
    for (const [i, family] of FAMILIES.entries()) await seedFamily(em, family, bsns, staff, i);
    return true;
  });
}
