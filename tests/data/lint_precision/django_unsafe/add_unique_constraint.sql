-- AddConstraint(UniqueConstraint)
-- expect: SM206
BEGIN;
--
-- Create constraint isbn_unique on model book
--
ALTER TABLE "app_book" ADD CONSTRAINT "isbn_unique" UNIQUE ("isbn");
COMMIT;
