-- expect: SM206
BEGIN;
ALTER TABLE "app_unique_together_a" ADD CONSTRAINT "app_unique_together_a_id_field_1b2c3d_uniq" UNIQUE ("id", "field");
COMMIT;
