-- SM004 replay-stopped: Replay on the scratch database stopped
-- Each case is linted with `safemigrations lint --replay` on a scratch database.

-- case: a table that does not exist
-- expect: SM004 x1
-- replay
ALTER TABLE "table_never_created" ADD COLUMN "c" integer;

-- case: a column added twice
-- expect: SM004 x1
-- replay
CREATE TABLE "blog_tag" ("id" bigint);
ALTER TABLE "blog_tag" ADD COLUMN "id" integer;

-- case: statements that all run
-- expect: none
-- replay
CREATE TABLE "blog_tag" ("id" bigint);
ALTER TABLE "blog_tag" ADD COLUMN "name" text;

-- case: without --replay nothing is run
-- expect: none
ALTER TABLE "table_never_created" ADD COLUMN "c" integer;
