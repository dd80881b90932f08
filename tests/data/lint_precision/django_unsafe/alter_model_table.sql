-- AlterModelTable
-- expect: SM602
BEGIN;
ALTER TABLE "app_book" RENAME TO "library_book";
COMMIT;
