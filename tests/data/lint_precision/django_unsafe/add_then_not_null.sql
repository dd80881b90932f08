-- AddField then AlterField(null=False) in one atomic migration
-- expect: SM501, SM961
BEGIN;
ALTER TABLE "app_book" ADD COLUMN "code" varchar(20) NULL;
ALTER TABLE "app_book" ALTER COLUMN "code" SET NOT NULL;
COMMIT;
