-- expect: SM502
BEGIN;
UPDATE "app_data_migrations_a" SET "field" = 0;
COMMIT;
