import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent workflow (SPEC §7): a consent given by one signer can wait for a co-signature (a child
 * of 12–15, another custodian) and counts only once it is complete.
 */
export class Consent1764000001000 implements MigrationInterface {
  name = 'Consent1764000001000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "consent" ADD "awaiting_signature" character varying(30)`);
    await queryRunner.query(`ALTER TABLE "consent" ADD CONSTRAINT "CHK_034abe4199cd81aae003df27a9" CHECK ("awaiting_signature" IN ('SUBJECT', 'PARENT_WITH_CUSTODY'))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "consent" DROP CONSTRAINT "CHK_034abe4199cd81aae003df27a9"`);
    await queryRunner.query(`ALTER TABLE "consent" DROP COLUMN "awaiting_signature"`);
  }
}
