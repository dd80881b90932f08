-- AddField(ForeignKey) rewritten: column, index, NOT VALID, VALIDATE
-- expect: clean
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD COLUMN "author_id" bigint NULL;
SET lock_timeout TO '0ms';
CREATE INDEX CONCURRENTLY "app_book_author_id_5e2d1b" ON "app_book" ("author_id");
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD CONSTRAINT "app_book_author_id_5e2d1b_fk_app_author_id" FOREIGN KEY ("author_id") REFERENCES "app_author" ("id") DEFERRABLE INITIALLY DEFERRED NOT VALID;
SET lock_timeout TO '0ms';
ALTER TABLE "app_book" VALIDATE CONSTRAINT "app_book_author_id_5e2d1b_fk_app_author_id";
