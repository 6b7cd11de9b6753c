import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { Dossier } from './dossier.entity';
import { ConsentKind, ConsentMethod, ConsentScope, SignerCapacity } from './enums';
import { Person } from './person.entity';

/**
 * Consent per exchange (SPEC §7). Validity is judged by the signers' capacity on the day it was
 * given; custody is re-checked whenever the consent is used.
 */
@Entity('consent')
@Index(['dossierId', 'kind'])
@Index(['organisationId', 'recipientClientId'])
@Index(['recipientPersonId'])
@Check(enumCheck('kind', ConsentKind))
@Check(enumCheck('scope', ConsentScope))
@Check(enumCheck('method', ConsentMethod))
@Check(enumCheck('awaiting_signature', SignerCapacity))
export class Consent extends OrgScoped {
  @Column('uuid')
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Column({ type: 'varchar', length: 20, default: ConsentKind.DISCLOSURE })
  kind: ConsentKind;

  @Column({ type: 'varchar', length: 200 })
  recipientName: string;

  /** For PARENTAL_ACCESS: the parent the youth lets keep reading. */
  @Column({ type: 'uuid', nullable: true })
  recipientPersonId: string | null;

  /** The partner application's client id, when the recipient reads through the API. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  recipientClientId: string | null;

  @Column({ type: 'varchar', length: 500 })
  purpose: string;

  @Column({ type: 'varchar', array: true, default: '{}' })
  categories: string[];

  @Column({ type: 'varchar', length: 20 })
  scope: ConsentScope;

  @Column({ type: 'date', nullable: true })
  validFrom: string | null;

  @Column({ type: 'date', nullable: true })
  validUntil: string | null;

  @Column({ type: 'varchar', length: 30 })
  method: ConsentMethod;

  @Column({ type: 'timestamptz' })
  givenAt: Date;

  /**
   * Who still has to sign (a child's co-signature, another custodian's) before the consent
   * counts; null when complete. A consent awaiting a signature is never used (SPEC §7).
   */
  @Column({ type: 'varchar', length: 30, nullable: true })
  awaitingSignature: SignerCapacity | null;

  /** A SINGLE_EXCHANGE consent is used up by its disclosure. */
  @Column({ type: 'timestamptz', nullable: true })
  consumedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  withdrawnAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  withdrawnById: string | null;
}

@Entity('consent_signature')
@Index(['consentId'])
@Check(enumCheck('capacity', SignerCapacity))
export class ConsentSignature extends OrgScoped {
  @Column('uuid')
  consentId: string;

  @ManyToOne(() => Consent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'consent_id' })
  consent?: Consent;

  @Column('uuid')
  personId: string;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id' })
  person?: Person;

  @Column({ type: 'varchar', length: 30 })
  capacity: SignerCapacity;

  @Column({ type: 'timestamptz' })
  signedAt: Date;
}
