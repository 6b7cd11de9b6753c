import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rights requests filed by clients through the API (SPEC §8): who filed, which named
 * co-requesters still have to agree, and the status that says so (AWAITING_AGREEMENT).
 */
export class RightsRequests1764000002000 implements MigrationInterface {
  name = 'RightsRequests1764000002000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rights_request" ADD "filed_by_person_id" uuid`);
    await queryRunner.query(`ALTER TABLE "rights_request" ADD "awaiting_person_ids" uuid array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "rights_request" DROP CONSTRAINT "CHK_38b199562b3341e80f614513ca"`);
    await queryRunner.query(`ALTER TABLE "rights_request" ADD CONSTRAINT "CHK_e0a813ca290aa8bc9692b6c45b" CHECK ("status" IN ('AWAITING_AGREEMENT', 'OPEN', 'DECIDED', 'CARRIED_OUT'))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "rights_request" WHERE "status" = 'AWAITING_AGREEMENT'`);
    await queryRunner.query(`ALTER TABLE "rights_request" DROP CONSTRAINT "CHK_e0a813ca290aa8bc9692b6c45b"`);
    await queryRunner.query(`ALTER TABLE "rights_request" ADD CONSTRAINT "CHK_38b199562b3341e80f614513ca" CHECK ("status" IN ('OPEN', 'DECIDED', 'CARRIED_OUT'))`);
    await queryRunner.query(`ALTER TABLE "rights_request" DROP COLUMN "awaiting_person_ids"`);
    await queryRunner.query(`ALTER TABLE "rights_request" DROP COLUMN "filed_by_person_id"`);
  }
}
