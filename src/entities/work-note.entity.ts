import { Column, Entity, Index, JoinColumn, ManyToOne, UpdateDateColumn } from 'typeorm';
import { OrgScoped } from './base';
import { Dossier } from './dossier.entity';
import { Professional } from './professional.entity';

/** A professional's personal working note: only its author sees it, outside every right of access and export. */
@Entity('work_note')
@Index(['dossierId', 'authorId', 'createdAt'])
export class WorkNote extends OrgScoped {
  @Column('uuid')
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Column('uuid')
  authorId: string;

  @ManyToOne(() => Professional, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: Professional;

  @Column({ type: 'varchar', length: 10000 })
  text: string;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
