-- AlterField(null=False) rewritten: CHECK NOT VALID, VALIDATE, SET NOT NULL, drop the CHECK
-- expect: clean
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD CONSTRAINT "app_book_isbn_notnull" CHECK ("isbn" IS NOT NULL) NOT VALID;
SET lock_timeout TO '0ms';
ALTER TABLE "app_book" VALIDATE CONSTRAINT "app_book_isbn_notnull";
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ALTER COLUMN "isbn" SET NOT NULL;
ALTER TABLE "app_book" DROP CONSTRAINT "app_book_isbn_notnull";
SET lock_timeout TO '0ms';
