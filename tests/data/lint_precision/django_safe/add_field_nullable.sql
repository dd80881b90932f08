-- AddField(null=True)
-- expect: clean
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD COLUMN "notes" text NULL;
SET lock_timeout TO '0ms';
