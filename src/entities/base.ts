import { Column, CreateDateColumn, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from './organisation.entity';

/**
 * Every row belongs to exactly one organisation. Queries always filter on it, so a bug in a
 * relationship check can never cross from one organisation into another (SPEC §1: organisations
 * never see each other's data).
 */
export abstract class OrgScoped {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organisationId: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id' })
  organisation?: Organisation;

  // Millisecond precision: the value round-trips through a JS Date inside pagination cursors.
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
