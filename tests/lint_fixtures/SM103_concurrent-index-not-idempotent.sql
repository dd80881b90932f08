-- SM103 concurrent-index-not-idempotent: Concurrent index statement whose re-run after a failure is not clean
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM103 x1
CREATE INDEX CONCURRENTLY "book_title_idx" ON "shop_book" ("title");

-- case: the rule's safe example
-- expect: none
DROP INDEX CONCURRENTLY IF EXISTS "book_title_idx";
CREATE INDEX CONCURRENTLY "book_title_idx" ON "shop_book" ("title");

-- case: IF NOT EXISTS keeps an INVALID leftover
-- expect: SM103 x1
CREATE INDEX CONCURRENTLY IF NOT EXISTS "i" ON "blog_post" ("a");

-- case: DROP INDEX CONCURRENTLY without IF EXISTS
-- expect: SM103 x1
DROP INDEX CONCURRENTLY "i";

-- case: a build that is not concurrent
-- expect: none
CREATE INDEX "i" ON "blog_post" ("a");
