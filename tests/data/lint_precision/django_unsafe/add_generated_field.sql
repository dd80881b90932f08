-- AddField(GeneratedField(db_persist=True))
-- expect: SM305
BEGIN;
--
-- Add field total to line
--
ALTER TABLE "app_line" ADD COLUMN "total" integer GENERATED ALWAYS AS (("price" * "qty")) STORED;
COMMIT;
