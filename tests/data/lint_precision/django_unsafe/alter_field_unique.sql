-- AlterField(unique=True)
-- expect: SM206
BEGIN;
--
-- Alter field isbn on book
--
ALTER TABLE "app_book" ADD CONSTRAINT "app_book_isbn_9c4e1f_uniq" UNIQUE ("isbn");
CREATE INDEX "app_book_isbn_9c4e1f_like" ON "app_book" ("isbn" varchar_pattern_ops);
COMMIT;
