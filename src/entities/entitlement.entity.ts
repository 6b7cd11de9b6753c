import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OrgScoped } from './base';
import { Dossier } from './dossier.entity';

/** Beschikking: the municipality's decision that funds the care. */
@Entity('entitlement')
@Index(['dossierId', 'validFrom'])
export class Entitlement extends OrgScoped {
  @Column('uuid')
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Column({ type: 'varchar', length: 100 })
  municipality: string;

  @Column({ type: 'varchar', length: 50 })
  decisionNumber: string;

  @Column({ type: 'varchar', length: 100 })
  product: string;

  @Column({ type: 'date' })
  validFrom: string;

  @Column({ type: 'date', nullable: true })
  validUntil: string | null;
}
