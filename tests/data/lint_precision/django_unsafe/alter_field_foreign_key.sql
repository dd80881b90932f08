-- AlterField(ForeignKey to another model)
-- expect: SM201
BEGIN;
--
-- Alter field author on book
--
SET CONSTRAINTS "app_book_author_id_5e2d1b_fk_app_author_id" IMMEDIATE; ALTER TABLE "app_book" DROP CONSTRAINT "app_book_author_id_5e2d1b_fk_app_author_id";
ALTER TABLE "app_book" ADD CONSTRAINT "app_book_author_id_5e2d1b_fk_app_person_id" FOREIGN KEY ("author_id") REFERENCES "app_person" ("id") DEFERRABLE INITIALLY DEFERRED;
COMMIT;
