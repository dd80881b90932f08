-- AddField then AlterField(null=False) in one atomic migration
-- (the scan under the held ACCESS EXCLUSIVE is SM501's finding, with SetNotNull: SM961 folds into it)
-- expect: SM501
BEGIN;
ALTER TABLE "app_book" ADD COLUMN "code" varchar(20) NULL;
ALTER TABLE "app_book" ALTER COLUMN "code" SET NOT NULL;
COMMIT;
