import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { Consent } from './consent.entity';
import { Dossier } from './dossier.entity';
import { DisclosureBasis } from './enums';

/** Every exchange with a third party, with its legal basis (SPEC §7). */
@Entity('disclosure')
@Index(['dossierId', 'disclosedAt'])
@Check(enumCheck('legal_basis', DisclosureBasis))
export class Disclosure extends OrgScoped {
  @Column('uuid')
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Column({ type: 'varchar', length: 200 })
  recipientName: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  recipientClientId: string | null;

  @Column({ type: 'varchar', array: true })
  categories: string[];

  @Column({ type: 'timestamptz' })
  disclosedAt: Date;

  @Column({ type: 'varchar', length: 20 })
  legalBasis: DisclosureBasis;

  @Column({ type: 'uuid', nullable: true })
  consentId: string | null;

  @ManyToOne(() => Consent, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'consent_id' })
  consent?: Consent;

  /** For LEGAL_DUTY: which duty (e.g. "Jeugdwet art. 7.1.1.1 verwijsindex"). */
  @Column({ type: 'varchar', length: 300, nullable: true })
  legalDuty: string | null;

  /** For SAFETY (Meldcode): why, which colleague role was consulted, and whether the client was informed. */
  @Column({ type: 'varchar', length: 2000, nullable: true })
  safetyReason: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  consultedColleagueRole: string | null;

  @Column({ type: 'boolean', nullable: true })
  clientInformed: boolean | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  clientInformedHow: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  clientInformedAt: Date | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  clientNotInformedReason: string | null;
}
