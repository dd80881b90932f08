-- AlterField(IntegerField -> BigIntegerField), old type unknown to a lone file
-- expect: SM401
BEGIN;
--
-- Alter field pages on book
--
ALTER TABLE "app_book" ALTER COLUMN "pages" TYPE bigint USING "pages"::bigint;
COMMIT;
