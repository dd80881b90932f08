-- expect: SM301
BEGIN;
ALTER TABLE "app_volatile_default_a" ADD COLUMN "uid" uuid DEFAULT (GEN_RANDOM_UUID()) NOT NULL;
COMMIT;
