-- SM106 drop-index-non-concurrently: Index dropped without CONCURRENTLY
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM106 x1
DROP INDEX IF EXISTS "book_title_idx";

-- case: the rule's safe example
-- expect: none
DROP INDEX CONCURRENTLY IF EXISTS "book_title_idx";

-- case: a drop without IF EXISTS
-- expect: SM106 x1
DROP INDEX "post_slug_idx";

-- case: an index created earlier in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint);
CREATE INDEX "tag_id_idx" ON "blog_tag" ("id");
DROP INDEX "tag_id_idx";
