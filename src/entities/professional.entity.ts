import { Column, Entity, Index } from 'typeorm';
import { OrgScoped } from './base';

/** A staff member, known to Kluis by the token's `sub`. The role itself comes from the token. */
@Entity('professional')
@Index(['organisationId', 'subject'], { unique: true })
export class Professional extends OrgScoped {
  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Column({ type: 'varchar', length: 200 })
  displayName: string;
}
