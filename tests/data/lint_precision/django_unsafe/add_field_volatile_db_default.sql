-- AddField(db_default=RandomUUID())
-- expect: SM301
BEGIN;
--
-- Add field uid to book
--
ALTER TABLE "app_book" ADD COLUMN "uid" uuid DEFAULT (GEN_RANDOM_UUID()) NOT NULL;
COMMIT;
