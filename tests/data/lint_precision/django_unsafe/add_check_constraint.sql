-- AddConstraint(CheckConstraint)
-- expect: SM204
BEGIN;
--
-- Create constraint pages_positive on model book
--
ALTER TABLE "app_book" ADD CONSTRAINT "pages_positive" CHECK ("pages" > 0);
COMMIT;
