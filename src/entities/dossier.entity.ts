import { Check, Column, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn, VersionColumn } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { DossierStatus, DossierType } from './enums';
import { Person } from './person.entity';

@Entity('dossier')
@Index(['organisationId', 'createdAt', 'id'])
@Index(['subjectId'])
// Retention (SPEC §11): the purge finds an organisation's dossiers past their period by range
// scans on the anchor, instead of reading every dossier.
@Index(['organisationId', 'lastChangedAt'])
@Index(['organisationId', 'lastContactOn'])
@Check(enumCheck('status', DossierStatus))
@Check(enumCheck('type', DossierType))
export class Dossier extends OrgScoped {
  @Column('uuid')
  subjectId: string;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subject_id' })
  subject?: Person;

  @Column({ type: 'varchar', length: 10, default: DossierStatus.OPEN })
  status: DossierStatus;

  @Column({ type: 'varchar', length: 20 })
  type: DossierType;

  @Column({ type: 'date' })
  openedOn: string;

  @Column({ type: 'date', nullable: true })
  closedOn: string | null;

  /** Date the verwijsindex signal was placed; null = no active signal. */
  @Column({ type: 'date', nullable: true })
  verwijsindexSignalOn: string | null;

  /** Legal hold blocks destruction by retention (SPEC §11). */
  @Column({ type: 'boolean', default: false })
  legalHold: boolean;

  /** Why the hold was last set or lifted (privacy officer, `setLegalHold`); goes with the dossier. */
  @Column({ type: 'varchar', length: 2000, nullable: true })
  legalHoldReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  legalHoldChangedAt: Date | null;

  /** Last contact with the client; anchor for "6 months after last contact" retention. */
  @Column({ type: 'date', nullable: true })
  lastContactOn: string | null;

  /** Last change to the dossier or anything in it; anchor for "20 years after last change". */
  @UpdateDateColumn({ type: 'timestamptz' })
  lastChangedAt: Date;

  @VersionColumn()
  version: number;
}
