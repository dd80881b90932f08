-- SM206 add-unique-constraint: UNIQUE constraint built under ACCESS EXCLUSIVE
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM206 x1
ALTER TABLE "shop_book" ADD CONSTRAINT "book_isbn_uniq" UNIQUE ("isbn");

-- case: the rule's safe example
-- expect: none
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "book_isbn_uniq" ON "shop_book" ("isbn");
ALTER TABLE "shop_book" ADD CONSTRAINT "book_isbn_uniq" UNIQUE USING INDEX "book_isbn_uniq";

-- case: ADD COLUMN ... UNIQUE
-- expect: SM206 x1
ALTER TABLE "blog_post" ADD COLUMN "slug" text UNIQUE;

-- case: only the concurrent unique index
-- expect: none
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "post_slug_uniq" ON "blog_post" ("slug");
