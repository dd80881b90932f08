-- a long statement after ACCESS EXCLUSIVE in the same transaction
-- expect: SM961
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE "app_book" ADD COLUMN "flag" boolean NULL;
SELECT count(*) FROM "app_book";
COMMIT;
