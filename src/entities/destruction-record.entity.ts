import { Check, Column, Entity, Index } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { DestructionReason, DossierType, RetentionAnchor } from './enums';

/**
 * What remains of a destroyed dossier (SPEC §11): proof that it existed and was destroyed, and
 * under which rule — never personal data. Only ids (the dossier's, the rights request's), the
 * dossier type, the rule and its dates. No subject id either: the person is gone, and their id
 * would only link this row back to the access log's history of them for no purpose.
 *
 * The application role may insert and read these rows, never change or delete them (migration).
 */
@Entity('destruction_record')
@Index(['organisationId', 'destroyedAt'])
@Index(['dossierId'], { unique: true })
@Check(enumCheck('reason', DestructionReason))
@Check(enumCheck('dossier_type', DossierType))
@Check(enumCheck('retention_anchor', RetentionAnchor))
export class DestructionRecord extends OrgScoped {
  /** The destroyed dossier's id; no foreign key, the dossier is gone. */
  @Column('uuid')
  dossierId: string;

  @Column({ type: 'varchar', length: 20 })
  dossierType: DossierType;

  /** The retention rule that applied to the dossier: period in months… */
  @Column({ type: 'int' })
  retentionMonths: number;

  /** …counted from this anchor. */
  @Column({ type: 'varchar', length: 20 })
  retentionAnchor: RetentionAnchor;

  /** The anchor's date for this dossier (its last change, or its last contact). */
  @Column({ type: 'date' })
  anchorDate: string;

  /** Anchor date + period: the dossier was kept up to and including this day. */
  @Column({ type: 'date' })
  expiresOn: string;

  @Column({ type: 'timestamptz' })
  destroyedAt: Date;

  @Column({ type: 'varchar', length: 20 })
  reason: DestructionReason;

  /** The EARLY_DESTRUCTION request that was carried out; no foreign key (the request went with the dossier). */
  @Column({ type: 'uuid', nullable: true })
  rightsRequestId: string | null;
}
