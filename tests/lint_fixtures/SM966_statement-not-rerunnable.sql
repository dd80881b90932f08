-- SM966 statement-not-rerunnable: Statement that fails when an interrupted migration is run again
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM966 x1
ALTER TABLE "shop_book" ADD COLUMN "stock" integer NULL;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_stock_idx" ON "shop_book" ("stock");

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN IF NOT EXISTS "stock" integer NULL;
CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_stock_idx" ON "shop_book" ("stock");

-- case: a table created without IF NOT EXISTS before a concurrent build
-- expect: SM966 x1
CREATE TABLE "blog_tag" ("id" bigint, "name" text);
CREATE INDEX CONCURRENTLY IF NOT EXISTS "tag_name_idx" ON "blog_tag" ("name");

-- case: one transaction for both
-- expect: none
BEGIN;
ALTER TABLE "blog_post" ADD COLUMN "rank" integer;
CREATE INDEX "post_rank_idx" ON "blog_post" ("rank");
COMMIT;
