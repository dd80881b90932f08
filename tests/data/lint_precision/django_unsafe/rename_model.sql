-- RenameModel
-- expect: SM602
BEGIN;
ALTER TABLE "app_book" RENAME TO "app_volume";
COMMIT;
