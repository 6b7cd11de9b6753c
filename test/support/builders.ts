import { randomBytes, randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  CareTeamAssignment, Dossier, Entitlement, Entry, FamilyMember, Organisation, Person, Professional, SupportPlan, SupportPlanGoal, WorkNote,
} from '../../src/entities';
import { AssignmentRole, DossierType, EntryKind, FamilyRelation, HiddenFrom } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';

const rnd = () => randomBytes(4).toString('hex');

/** A random BSN that passes the elfproef (test data only). */
export function randomBsn(): string {
  for (;;) {
    const digits = Array.from({ length: 8 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10)));
    const sum = digits.reduce((s, d, i) => s + d * (9 - i), 0);
    const check = sum % 11;
    if (check < 10) return digits.join('') + String(check);
  }
}

export async function anOrganisation(ds: DataSource, name = `Org ${rnd()}`): Promise<Organisation> {
  return ds.getRepository(Organisation).save(ds.getRepository(Organisation).create({ name }));
}

export async function aProfessional(ds: DataSource, org: Organisation, sub = `staff-${rnd()}`): Promise<Professional> {
  return ds.getRepository(Professional).save(ds.getRepository(Professional).create({ organisationId: org.id, subject: sub, displayName: `Professional ${sub}` }));
}

export class PersonBuilder {
  private fields: Partial<Person> = {};

  constructor() {
    const id = rnd();
    this.fields = {
      firstName: `First${id}`, lastName: `Last${id}`, dateOfBirth: addMonths(dutchToday(), -(40 * 12)), nationality: 'NL',
      street: `Straat ${id}`, postalCode: '1234 AB', city: 'Utrecht', phone: '06-12345678', email: `p${id}@example.org`, bsn: randomBsn(),
      idDocumentType: null, idDocumentNumber: null,
    };
  }

  /** `years` old today, plus `months` (default 3, so a birthday is never today). */
  aged(years: number, months = 3): this {
    this.fields.dateOfBirth = addMonths(dutchToday(), -(years * 12 + months));
    return this;
  }

  named(firstName: string, lastName: string): this {
    Object.assign(this.fields, { firstName, lastName });
    return this;
  }

  with(fields: Partial<Person>): this {
    Object.assign(this.fields, fields);
    return this;
  }

  confidentialAddress(): this {
    this.fields.addressConfidential = true;
    return this;
  }

  async build(ds: DataSource, org: Organisation): Promise<Person> {
    return ds.getRepository(Person).save(ds.getRepository(Person).create({ ...this.fields, organisationId: org.id }));
  }
}

export const aPerson = () => new PersonBuilder();

interface RelativeSpec {
  person: PersonBuilder | Person;
  relation: FamilyRelation;
  custody: boolean;
}

export interface BuiltDossier {
  dossier: Dossier;
  subject: Person;
  relatives: { member: FamilyMember; person: Person }[];
  entries: Entry[];
}

/** Builds a dossier with everything a test needs in one call: `aDossier().withParent(aPerson()).build(ds, org)`. */
export class DossierBuilder {
  private subject: PersonBuilder | Person = aPerson().aged(10);
  private relatives: RelativeSpec[] = [];
  private assignments: { professional: Professional; role: AssignmentRole; from?: Date; until?: Date | null }[] = [];
  private entries: Partial<Entry>[] = [];
  private fields: Partial<Dossier> = {};
  private goals: string[] = [];
  private entitlement = false;
  private notes: { author: Professional; text: string }[] = [];

  withSubject(subject: PersonBuilder | Person): this {
    this.subject = subject;
    return this;
  }

  withParent(person: PersonBuilder | Person = aPerson(), { custody = true, relation = FamilyRelation.PARENT } = {}): this {
    this.relatives.push({ person, relation, custody });
    return this;
  }

  withRelative(person: PersonBuilder | Person, relation: FamilyRelation, custody = false): this {
    this.relatives.push({ person, relation, custody });
    return this;
  }

  withAssignment(professional: Professional, role: AssignmentRole = AssignmentRole.CARE_WORKER, from?: Date, until?: Date | null): this {
    this.assignments.push({ professional, role, from, until });
    return this;
  }

  withEntry(entry: Partial<Entry> & { authorId: string }): this {
    this.entries.push(entry);
    return this;
  }

  withEntries(count: number, authorId: string, hiddenFrom: HiddenFrom[] = []): this {
    for (let i = 0; i < count; i += 1) this.entries.push({ authorId, text: `Entry ${i} ${rnd()}`, occurredOn: addMonths(dutchToday(), -(i % 12)), hiddenFrom });
    return this;
  }

  withGoal(text: string): this {
    this.goals.push(text);
    return this;
  }

  withEntitlement(): this {
    this.entitlement = true;
    return this;
  }

  withWorkNote(author: Professional, text: string): this {
    this.notes.push({ author, text });
    return this;
  }

  with(fields: Partial<Dossier>): this {
    Object.assign(this.fields, fields);
    return this;
  }

  async build(ds: DataSource, org: Organisation): Promise<BuiltDossier> {
    const person = async (p: PersonBuilder | Person) => (p instanceof PersonBuilder ? p.build(ds, org) : p);
    const subject = await person(this.subject);
    const dossier = await ds.getRepository(Dossier).save(
      ds.getRepository(Dossier).create({ organisationId: org.id, subjectId: subject.id, type: DossierType.YOUTH_CARE, openedOn: addMonths(dutchToday(), -6), ...this.fields }),
    );
    const relatives = [];
    for (const r of this.relatives) {
      const p = await person(r.person);
      const member = await ds.getRepository(FamilyMember).save(
        ds.getRepository(FamilyMember).create({ organisationId: org.id, dossierId: dossier.id, personId: p.id, relation: r.relation, hasCustody: r.custody, informedOfRegistration: true }),
      );
      relatives.push({ member, person: p });
    }
    for (const a of this.assignments) {
      await ds.getRepository(CareTeamAssignment).insert({
        organisationId: org.id, dossierId: dossier.id, professionalId: a.professional.id, role: a.role,
        validFrom: a.from ?? new Date(Date.now() - 86400_000), validUntil: a.until ?? null,
      });
    }
    const entries = [];
    for (const e of this.entries) {
      entries.push(await ds.getRepository(Entry).save(ds.getRepository(Entry).create({
        kind: EntryKind.CONTACT, occurredOn: dutchToday(), text: `Entry ${rnd()}`, hiddenFrom: [], ...e, organisationId: org.id, dossierId: dossier.id,
      })));
    }
    if (this.goals.length) {
      const plan = await ds.getRepository(SupportPlan).save(ds.getRepository(SupportPlan).create({ organisationId: org.id, dossierId: dossier.id }));
      for (const text of this.goals) await ds.getRepository(SupportPlanGoal).insert({ organisationId: org.id, planId: plan.id, dossierId: dossier.id, text });
    }
    if (this.entitlement) {
      await ds.getRepository(Entitlement).insert({ organisationId: org.id, dossierId: dossier.id, municipality: 'Utrecht', decisionNumber: `B-${rnd()}`, product: 'Ambulant', validFrom: addMonths(dutchToday(), -1) });
    }
    for (const n of this.notes) await ds.getRepository(WorkNote).insert({ organisationId: org.id, dossierId: dossier.id, authorId: n.author.id, text: n.text });
    return { dossier, subject, relatives, entries };
  }
}

export const aDossier = () => new DossierBuilder();
