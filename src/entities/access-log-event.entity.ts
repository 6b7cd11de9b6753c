import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One NEN 7513 access-log event (SPEC §6), as the view `access_log_event` shows it: one element
 * of the event arrays of its request's batch row (migrations/…-access-log-event-arrays.ts). The
 * table is partitioned by month and written only through `kluis_append_access_log`, so TypeORM
 * never synchronises or writes it: this entity is for reading.
 */
@Entity({ name: 'access_log_event', synchronize: false })
export class AccessLogEvent {
  @PrimaryColumn('uuid')
  id: string;

  @PrimaryColumn({ type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @Column('uuid')
  organisationId: string;

  @Column('varchar')
  actorSub: string;

  @Column('varchar')
  actorRole: string;

  @Column('varchar')
  relationship: string;

  @Column({ type: 'uuid', nullable: true })
  actorPersonId: string | null;

  @Column({ type: 'varchar', nullable: true })
  clientApp: string | null;

  @Column('varchar')
  action: string;

  @Column({ type: 'uuid', nullable: true })
  dossierId: string | null;

  @Column({ type: 'uuid', nullable: true })
  subjectPersonId: string | null;

  @Column({ type: 'varchar', array: true })
  grantedFields: string[];

  @Column({ type: 'varchar', array: true })
  deniedFields: string[];

  @Column({ type: 'varchar', array: true })
  pseudonymisedFields: string[];

  @Column('varchar')
  outcome: 'GRANTED' | 'DENIED';

  @Column('boolean')
  checkAuthorisation: boolean;

  @Column('boolean')
  checkCareRelationship: boolean;

  @Column('boolean')
  checkConsent: boolean;

  @Column('boolean')
  checkEmergency: boolean;

  @Column('varchar')
  purpose: string;

  @Column({ type: 'varchar', nullable: true })
  legalBasisRef: string | null;

  @Column('varchar')
  requestId: string;

  @Column({ type: 'varchar', nullable: true })
  operationName: string | null;

  @Column({ type: 'varchar', nullable: true })
  sourceAddress: string | null;

  @Column('smallint')
  chainShard: number;

  @Column('bigint')
  chainSeq: string;
}
