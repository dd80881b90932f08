-- AddField(default=0): Django drops the default right away
-- expect: SM303
BEGIN;
--
-- Add field qty to book
--
ALTER TABLE "app_book" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL;
ALTER TABLE "app_book" ALTER COLUMN "qty" DROP DEFAULT;
COMMIT;
