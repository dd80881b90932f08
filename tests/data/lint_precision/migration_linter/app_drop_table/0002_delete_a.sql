-- expect: SM604
BEGIN;
DROP TABLE "app_drop_table_a" CASCADE;
COMMIT;
