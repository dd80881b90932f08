-- AlterField(null=False)
-- expect: SM501
BEGIN;
--
-- Alter field isbn on book
--
ALTER TABLE "app_book" ALTER COLUMN "isbn" SET NOT NULL;
COMMIT;
