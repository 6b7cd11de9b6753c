import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { Dossier } from './dossier.entity';
import { FamilyRelation } from './enums';
import { Person } from './person.entity';

@Entity('family_member')
@Index(['dossierId', 'personId'], { unique: true })
@Index(['personId'])
@Check(enumCheck('relation', FamilyRelation))
export class FamilyMember extends OrgScoped {
  @Column('uuid')
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Column('uuid')
  personId: string;

  @ManyToOne(() => Person, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id' })
  person?: Person;

  @Column({ type: 'varchar', length: 20 })
  relation: FamilyRelation;

  /** Gezag: whether this person has custody of the dossier's subject. Re-read at every request. */
  @Column({ type: 'boolean', default: false })
  hasCustody: boolean;

  /** A relative is registered only after being informed of it. */
  @Column({ type: 'boolean' })
  informedOfRegistration: boolean;
}
