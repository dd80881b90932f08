-- expect: clean
BEGIN;
--
-- Add field pi to a
--
ALTER TABLE "app_default_a" ADD COLUMN "pi" double precision DEFAULT (PI()) NOT NULL;
COMMIT;
