import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { Dossier } from './dossier.entity';
import { RefusalGround, RightsDecision, RightsRequestStatus, RightsRequestType, VerificationMethod } from './enums';

/** A data-subject rights request (SPEC §8). Identity verification is recorded without any copy. */
@Entity('rights_request')
@Index(['organisationId', 'status', 'dueOn'])
@Index(['dossierId'])
@Check(enumCheck('type', RightsRequestType))
@Check(enumCheck('status', RightsRequestStatus))
@Check(enumCheck('decision', RightsDecision))
@Check(enumCheck('refusal_ground', RefusalGround))
@Check(enumCheck('verification_method', VerificationMethod))
export class RightsRequest extends OrgScoped {
  @Column('uuid')
  dossierId: string;

  @ManyToOne(() => Dossier, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dossier_id' })
  dossier?: Dossier;

  @Column({ type: 'varchar', length: 30 })
  type: RightsRequestType;

  @Column({ type: 'uuid', array: true })
  requesterPersonIds: string[];

  /**
   * The client who filed the request through the API (their verified token is the identity
   * check); null when the privacy officer registered it after verifying the requesters' identity.
   */
  @Column({ type: 'uuid', nullable: true })
  filedByPersonId: string | null;

  /**
   * Requesters who still have to agree with their own login (a 12–15 child's parent, or the child,
   * named by the one who filed). Until this is empty the request is AWAITING_AGREEMENT.
   */
  @Column({ type: 'uuid', array: true, default: '{}' })
  awaitingPersonIds: string[];

  @Column({ type: 'varchar', length: 5000, nullable: true })
  description: string | null;

  @Column({ type: 'date' })
  receivedOn: string;

  @Column({ type: 'date' })
  dueOn: string;

  @Column({ type: 'date', nullable: true })
  extendedDueOn: string | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  extensionReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  extensionDecidedAt: Date | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  verificationMethod: VerificationMethod | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  verificationDocumentType: string | null;

  @Column({ type: 'uuid', nullable: true })
  verifiedById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  verifiedAt: Date | null;

  @Column({ type: 'varchar', length: 20, default: RightsRequestStatus.OPEN })
  status: RightsRequestStatus;

  @Column({ type: 'varchar', length: 20, nullable: true })
  decision: RightsDecision | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  refusalGround: RefusalGround | null;

  @Column({ type: 'varchar', length: 5000, nullable: true })
  decisionNote: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  decidedById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  carriedOutAt: Date | null;
}
