import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { enumCheck } from './checks';
import { ConsentSigners, RetentionAnchor } from './enums';

/** Settings an organisation may use to narrow (never widen) the default policy (SPEC §4). */
export interface PolicyNarrowing {
  /** Per relationship name, categories this organisation withholds even where §4 allows them. */
  deny?: Record<string, string[]>;
}

@Entity('organisation')
@Check(enumCheck('retention_anchor', RetentionAnchor))
@Check(enumCheck('consent_signers_under12', ConsentSigners))
@Check('organisation_log_retention_min_5y', '"access_log_retention_years" >= 5')
@Check('organisation_retention_positive', '"retention_months" > 0')
export class Organisation {
  // The organisation's own id is its organisation_id: every table, this one too, carries it.
  @PrimaryGeneratedColumn('uuid', { name: 'organisation_id' })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Retention period in months (SPEC §11: default 20 years from the last change). */
  @Column({ type: 'int', default: 240 })
  retentionMonths: number;

  @Column({ type: 'varchar', length: 20, default: RetentionAnchor.LAST_CHANGE })
  retentionAnchor: RetentionAnchor;

  /** Longer rule for youth-protection dossiers; null = the general rule. */
  @Column({ type: 'int', nullable: true })
  youthProtectionRetentionMonths: number | null;

  /** Access-log retention in years; the migration's CHECK keeps it at 5 or more (SPEC §6). */
  @Column({ type: 'int', default: 5 })
  accessLogRetentionYears: number;

  @Column({ type: 'varchar', length: 10, default: ConsentSigners.ONE })
  consentSignersUnder12: ConsentSigners;

  @Column({ type: 'jsonb', default: {} })
  policyNarrowing: PolicyNarrowing;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
