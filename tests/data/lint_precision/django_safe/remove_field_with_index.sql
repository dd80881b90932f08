-- RemoveField rewritten: its index dropped concurrently first
-- expect: SM603
DROP INDEX CONCURRENTLY IF EXISTS "app_book_subtitle_idx";
SET lock_timeout TO '2s';
ALTER TABLE "app_book" DROP COLUMN "subtitle" CASCADE;
SET lock_timeout TO '0ms';
