-- AlterField(ForeignKey to another model) rewritten
-- expect: clean
SET lock_timeout TO '2s';
ALTER TABLE "app_book" DROP CONSTRAINT "app_book_author_id_5e2d1b_fk_app_author_id";
ALTER TABLE "app_book" ADD CONSTRAINT "app_book_author_id_5e2d1b_fk_app_person_id" FOREIGN KEY ("author_id") REFERENCES "app_person" ("id") DEFERRABLE INITIALLY DEFERRED NOT VALID;
SET lock_timeout TO '0ms';
ALTER TABLE "app_book" VALIDATE CONSTRAINT "app_book_author_id_5e2d1b_fk_app_person_id";
