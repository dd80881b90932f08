-- AlterUniqueTogether
-- expect: SM206
BEGIN;
ALTER TABLE "app_book" ADD CONSTRAINT "app_book_title_author_id_1f2e3d_uniq" UNIQUE ("title", "author_id");
COMMIT;
