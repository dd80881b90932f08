-- AddField(PositiveIntegerField(default=0))
-- expect: SM205, SM303
BEGIN;
--
-- Add field stock to book
--
ALTER TABLE "app_book" ADD COLUMN "stock" integer DEFAULT 0 NOT NULL CHECK ("stock" >= 0);
ALTER TABLE "app_book" ALTER COLUMN "stock" DROP DEFAULT;
COMMIT;
