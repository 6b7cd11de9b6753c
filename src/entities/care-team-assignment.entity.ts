import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { Dossier } from './dossier.entity';
import { AssignmentRole } from './enums';
import { Professional } from './professional.entity';

/** Opens a dossier to a professional between validFrom and validUntil (SPEC §1). */
@Entity('care_team_assignment')
@Index(['professionalId', 'dossierId'])
@Index(['dossierId'])
@Check(enumCheck('role', AssignmentRole))
export class CareTeamAssignment extends OrgScoped {
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

  @Column({ type: 'varchar', length: 20 })
  role: AssignmentRole;

  @Column({ type: 'timestamptz' })
  validFrom: Date;

  @Column({ type: 'timestamptz', nullable: true })
  validUntil: Date | null;
}
