-- RemoveField
-- expect: SM603
BEGIN;
ALTER TABLE "app_book" DROP COLUMN "subtitle" CASCADE;
COMMIT;
