-- AlterUniqueTogether rewritten
-- expect: clean
CREATE UNIQUE INDEX CONCURRENTLY "app_book_title_author_id_1f2e3d_uniq" ON "app_book" ("title", "author_id");
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD CONSTRAINT "app_book_title_author_id_1f2e3d_uniq" UNIQUE USING INDEX "app_book_title_author_id_1f2e3d_uniq";
SET lock_timeout TO '0ms';
