-- AddField(db_default=Pi()): immutable
-- expect: clean
SET lock_timeout TO '2s';
ALTER TABLE "app_circle" ADD COLUMN "ratio" double precision DEFAULT (PI()) NOT NULL;
SET lock_timeout TO '0ms';
