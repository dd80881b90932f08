-- RunSQL back-fill of every row in one statement
-- expect: SM502
BEGIN;
UPDATE "app_book" SET "qty" = 0 WHERE "qty" IS NULL;
COMMIT;
