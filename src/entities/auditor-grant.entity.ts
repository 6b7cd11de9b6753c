import { Column, Entity, Index } from 'typeorm';
import { OrgScoped } from './base';

/**
 * A temporary, minimal view for an independent auditor (SPEC §10): explicit dossiers, explicit
 * categories, at most 30 days.
 */
@Entity('auditor_grant')
@Index(['organisationId', 'auditorSubject', 'validUntil'])
export class AuditorGrant extends OrgScoped {
  @Column({ type: 'varchar', length: 200 })
  auditorSubject: string;

  @Column({ type: 'varchar', length: 500 })
  purpose: string;

  @Column({ type: 'uuid', array: true })
  dossierIds: string[];

  @Column({ type: 'varchar', array: true })
  categories: string[];

  @Column({ type: 'timestamptz' })
  validFrom: Date;

  @Column({ type: 'timestamptz' })
  validUntil: Date;

  @Column('uuid')
  createdById: string;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /**
   * Secret per grant for the auditor's pseudonyms (HMAC of person id): stable within the grant,
   * unlinkable across grants. Never exposed through the API.
   */
  @Column({ type: 'bytea', select: false })
  pseudonymKey: Buffer;
}
