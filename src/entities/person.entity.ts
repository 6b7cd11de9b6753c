import { Check, Column, Entity, Index, UpdateDateColumn, VersionColumn } from 'typeorm';
import { OrgScoped } from './base';
import { enumCheck } from './checks';
import { Gender, IdDocumentType } from './enums';

/**
 * A child, parent or other relative. Only the identity document's type and number are kept,
 * never an image or a copy (Enver privacy statement; SPEC §2).
 */
@Entity('person')
@Index(['organisationId', 'bsn'], { unique: true, where: 'bsn IS NOT NULL' })
@Index(['organisationId', 'lastName'])
@Check(enumCheck('gender', Gender))
@Check(enumCheck('id_document_type', IdDocumentType))
@Check('person_bsn_format', `"bsn" ~ '^[0-9]{9}$'`)
export class Person extends OrgScoped {
  @Column({ type: 'varchar', length: 100 })
  firstName: string;

  @Column({ type: 'varchar', length: 100 })
  lastName: string;

  @Column({ type: 'date' })
  dateOfBirth: string;

  @Column({ type: 'varchar', length: 20, default: Gender.UNKNOWN })
  gender: Gender;

  @Column({ type: 'varchar', length: 60, nullable: true })
  nationality: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  street: string | null;

  @Column({ type: 'varchar', length: 7, nullable: true })
  postalCode: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  city: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'char', length: 9, nullable: true })
  bsn: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  idDocumentType: IdDocumentType | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  idDocumentNumber: string | null;

  /** Hide contact data from other clients and partners, e.g. after domestic violence (SPEC §2). */
  @Column({ type: 'boolean', default: false })
  addressConfidential: boolean;

  @VersionColumn()
  version: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
