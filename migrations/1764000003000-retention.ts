import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (SPEC §11):
 * - `destruction_record`: what stays of a destroyed dossier — ids, type, rule and dates, no
 *   personal data. The application role may read and insert these rows, never change or delete them.
 * - the reason and time of the last legal-hold change on the dossier;
 * - two indexes for the purge's range scans on the retention anchors (last change, last contact).
 * Generated with `npm run migration:diff`, then frozen.
 */
export class Retention1764000003000 implements MigrationInterface {
  name = 'Retention1764000003000';

  public async up(q: QueryRunner): Promise<void> {
    for (const sql of [
      `CREATE TABLE "destruction_record" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "dossier_id" uuid NOT NULL, "dossier_type" character varying(20) NOT NULL, "retention_months" integer NOT NULL, "retention_anchor" character varying(20) NOT NULL, "anchor_date" date NOT NULL, "expires_on" date NOT NULL, "destroyed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" character varying(20) NOT NULL, "rights_request_id" uuid, CONSTRAINT "CHK_8ed838ae535975a72a419ae9dd" CHECK ("retention_anchor" IN ('LAST_CHANGE', 'LAST_CONTACT')), CONSTRAINT "CHK_6c17ddafd77fd4e24e9ed6b434" CHECK ("dossier_type" IN ('YOUTH_CARE', 'YOUTH_PROTECTION')), CONSTRAINT "CHK_520937c909a09f3f60c18f69c1" CHECK ("reason" IN ('RETENTION_EXPIRED', 'EARLY_DESTRUCTION')), CONSTRAINT "PK_151dea03aea5c4af89dbb00b53b" PRIMARY KEY ("id"))`,
      `CREATE UNIQUE INDEX "IDX_260e90512108ba192702cbdf8b" ON "destruction_record"  ("dossier_id") `,
      `CREATE INDEX "IDX_30b896c808659b9e610cc71cb7" ON "destruction_record"  ("organisation_id", "destroyed_at") `,
      `ALTER TABLE "dossier" ADD "legal_hold_reason" character varying(2000)`,
      `ALTER TABLE "dossier" ADD "legal_hold_changed_at" TIMESTAMP WITH TIME ZONE`,
      `CREATE INDEX "IDX_fb393f2e163622ebf038094516" ON "dossier"  ("organisation_id", "last_contact_on") `,
      `CREATE INDEX "IDX_30815517fba327b93ba81aa1d3" ON "dossier"  ("organisation_id", "last_changed_at") `,
      `ALTER TABLE "destruction_record" ADD CONSTRAINT "FK_a02fea78f702a448407cbb4d871" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("organisation_id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    ]) {
      await q.query(sql);
    }
    // Proof of destruction is kept as written: the application inserts and reads, nothing more.
    await q.query(`DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kluis_app') THEN
          EXECUTE 'GRANT SELECT, INSERT ON destruction_record TO kluis_app';
        END IF;
      END $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_30815517fba327b93ba81aa1d3"`);
    await q.query(`DROP INDEX "public"."IDX_fb393f2e163622ebf038094516"`);
    await q.query(`ALTER TABLE "dossier" DROP COLUMN "legal_hold_changed_at"`);
    await q.query(`ALTER TABLE "dossier" DROP COLUMN "legal_hold_reason"`);
    await q.query(`DROP TABLE "destruction_record"`);
  }
}
