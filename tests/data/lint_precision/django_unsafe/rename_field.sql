-- RenameField
-- expect: SM601
BEGIN;
ALTER TABLE "app_book" RENAME COLUMN "title" TO "name";
COMMIT;
