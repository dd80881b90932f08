-- SM105 index-on-partitioned-table: Index on a partitioned table
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM105 x1
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE INDEX CONCURRENTLY events_at_idx ON events (at);

-- case: the rule's safe example
-- expect: none
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE INDEX events_at_idx ON ONLY events (at);

-- case: a concurrent unique index on a partitioned table
-- expect: SM105 x1
CREATE TABLE "ev" ("id" bigint, "at" date) PARTITION BY RANGE ("at");
CREATE UNIQUE INDEX CONCURRENTLY "ev_id_at_uniq" ON "ev" ("id", "at");

-- case: a plain index on a partitioned table created in the file
-- expect: none
CREATE TABLE "ev" ("id" bigint, "at" date) PARTITION BY RANGE ("at");
CREATE INDEX "ev_at_idx" ON "ev" ("at");

-- case: a concurrent index on a plain table
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS "post_at_idx" ON "blog_post" ("at");
