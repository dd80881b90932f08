-- AlterField(primary_key=True) rewritten: NOT NULL first, unique index concurrently, then USING INDEX
-- expect: clean
SET lock_timeout TO '2s';
ALTER TABLE "app_legacy" ADD CONSTRAINT "app_legacy_id_notnull" CHECK ("id" IS NOT NULL) NOT VALID;
SET lock_timeout TO '0ms';
ALTER TABLE "app_legacy" VALIDATE CONSTRAINT "app_legacy_id_notnull";
SET lock_timeout TO '2s';
ALTER TABLE "app_legacy" ALTER COLUMN "id" SET NOT NULL;
SET lock_timeout TO '0ms';
CREATE UNIQUE INDEX CONCURRENTLY "app_legacy_pkey" ON "app_legacy" ("id");
SET lock_timeout TO '2s';
ALTER TABLE "app_legacy" ADD CONSTRAINT "app_legacy_pkey" PRIMARY KEY USING INDEX "app_legacy_pkey";
SET lock_timeout TO '0ms';
