-- RemoveField: a real hazard (code still reading the column), rewritten or not
-- expect: SM603
SET lock_timeout TO '2s';
ALTER TABLE "app_book" DROP COLUMN "subtitle" CASCADE;
SET lock_timeout TO '0ms';
