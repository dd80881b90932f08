-- AlterField(primary_key=True) on a legacy table
-- expect: SM207
BEGIN;
ALTER TABLE "app_legacy" ADD CONSTRAINT "app_legacy_pkey" PRIMARY KEY ("id");
COMMIT;
