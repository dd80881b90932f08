-- AlterField(unique=True) rewritten
-- expect: clean
CREATE UNIQUE INDEX CONCURRENTLY "app_book_isbn_9c4e1f_uniq" ON "app_book" ("isbn");
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD CONSTRAINT "app_book_isbn_9c4e1f_uniq" UNIQUE USING INDEX "app_book_isbn_9c4e1f_uniq";
SET lock_timeout TO '0ms';
CREATE INDEX CONCURRENTLY "app_book_isbn_9c4e1f_like" ON "app_book" ("isbn" varchar_pattern_ops);
