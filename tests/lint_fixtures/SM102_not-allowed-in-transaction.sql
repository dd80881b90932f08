-- SM102 not-allowed-in-transaction: Statement that cannot run inside a transaction block
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM102 x1
BEGIN;
DROP INDEX CONCURRENTLY "book_title_idx";
COMMIT;

-- case: the rule's safe example
-- expect: none
DROP INDEX CONCURRENTLY IF EXISTS "book_title_idx";

-- case: CREATE INDEX CONCURRENTLY in a transaction
-- expect: SM102 x1
BEGIN;
CREATE INDEX CONCURRENTLY "i" ON "blog_post" ("a");
COMMIT;

-- case: VACUUM in a transaction
-- expect: SM102 x1
BEGIN;
VACUUM "blog_post";
COMMIT;

-- case: a plain index build in a transaction
-- expect: none
BEGIN;
CREATE INDEX "i" ON "blog_post" ("a");
COMMIT;
