-- AddField(ForeignKey)
-- expect: SM202, SM101
BEGIN;
--
-- Add field author to book
--
ALTER TABLE "app_book" ADD COLUMN "author_id" bigint NULL CONSTRAINT "app_book_author_id_5e2d1b_fk_app_author_id" REFERENCES "app_author"("id") DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS "app_book_author_id_5e2d1b_fk_app_author_id" IMMEDIATE;
CREATE INDEX "app_book_author_id_5e2d1b" ON "app_book" ("author_id");
COMMIT;
