-- AddField(db_default=0)
-- expect: clean
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL;
SET lock_timeout TO '0ms';
