-- AddField(db_default=Now())
-- expect: clean
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD COLUMN "created" timestamp with time zone DEFAULT (STATEMENT_TIMESTAMP()) NOT NULL;
SET lock_timeout TO '0ms';
