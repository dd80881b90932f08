-- SM101 create-index-non-concurrently: Index built without CONCURRENTLY
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM101 x1
CREATE INDEX "book_title_idx" ON "shop_book" ("title");

-- case: the rule's safe example
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_title_idx" ON "shop_book" ("title");

-- case: a unique index
-- expect: SM101 x1
CREATE UNIQUE INDEX "post_slug_uniq" ON "blog_post" ("slug");

-- case: two builds
-- expect: SM101 x2
CREATE INDEX "a_idx" ON "blog_post" ("a");
CREATE INDEX "b_idx" ON "blog_post" ("b");

-- case: a table created earlier in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint, "name" text);
CREATE INDEX "tag_name_idx" ON "blog_tag" ("name");
