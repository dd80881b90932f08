-- expect: SM204
BEGIN;
ALTER TABLE "app_add_check_a" ADD CONSTRAINT "field_positive" CHECK ("field" > 0);
COMMIT;
