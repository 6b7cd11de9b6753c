import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OrgScoped } from './base';
import { enumArrayCheck, enumCheck } from './checks';
import { Dossier } from './dossier.entity';
import { EntryKind, HiddenFrom } from './enums';
import { Professional } from './professional.entity';

/** A journal entry. `hiddenFrom` keeps it from parents or the subject where showing it would harm someone. */
@Entity('entry')
@Index(['dossierId', 'occurredOn', 'id'])
@Check(enumCheck('kind', EntryKind))
@Check(enumArrayCheck('hidden_from', HiddenFrom))
export class Entry extends OrgScoped {
  @Column('uuid')
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Column({ type: 'varchar', length: 20 })
  kind: EntryKind;

  @Column({ type: 'date' })
  occurredOn: string;

  @Column('uuid')
  authorId: string;

  @ManyToOne(() => Professional, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: Professional;

  @Column({ type: 'varchar', length: 10000 })
  text: string;

  @Column({ type: 'varchar', array: true, default: '{}' })
  hiddenFrom: HiddenFrom[];
}
