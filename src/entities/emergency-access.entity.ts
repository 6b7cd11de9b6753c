import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { Dossier } from './dossier.entity';
import { EmergencyReviewOutcome } from './enums';
import { Professional } from './professional.entity';

/** Break-the-glass access (SPEC §9): granted at once, limited in time, always reviewed afterwards. */
@Entity('emergency_access')
@Index(['professionalId', 'dossierId', 'expiresAt'])
@Index(['organisationId', 'reviewedAt'])
@Check(enumCheck('review_outcome', EmergencyReviewOutcome))
export class EmergencyAccess extends OrgScoped {
  @Column('uuid')
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Column('uuid')
  professionalId: string;

  @ManyToOne(() => Professional, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'professional_id' })
  professional?: Professional;

  @Column({ type: 'varchar', length: 30 })
  professionalRole: string;

  @Column({ type: 'varchar', length: 2000 })
  reason: string;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'varchar', length: 20, nullable: true })
  reviewOutcome: EmergencyReviewOutcome | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  reviewNote: string | null;

  @Column({ type: 'uuid', nullable: true })
  reviewedById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;
}
