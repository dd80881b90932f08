-- SM104 concurrent-index-pg14-bug: Concurrent index build on PostgreSQL 14: needs 14.4 or later
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM104 x1
-- pg: 14
CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_title_idx" ON "shop_book" ("title");

-- case: the rule's safe example
-- expect: none
-- pg: 14
CREATE INDEX "tmp_idx" ON "new_table" ("id");

-- case: REINDEX CONCURRENTLY on 14
-- expect: SM104 x1
-- pg: 14
REINDEX INDEX CONCURRENTLY "i";

-- case: the same build on PostgreSQL 15
-- expect: none
-- pg: 15
CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_title_idx" ON "shop_book" ("title");
