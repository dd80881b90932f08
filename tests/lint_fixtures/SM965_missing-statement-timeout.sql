-- SM965 missing-statement-timeout: Long statement under a blocking lock without statement_timeout
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example, the index build accepted (SM101 off)
-- disable: SM101
-- expect: SM965 x1
CREATE INDEX "book_title_idx" ON "shop_book" ("title");

-- case: the rule's unsafe example while SM101 reports it: folded into SM101
-- expect: none
CREATE INDEX "book_title_idx" ON "shop_book" ("title");

-- case: the rule's safe example
-- disable: SM101
-- expect: none
SET statement_timeout = '5min';
CREATE INDEX "book_title_idx" ON "shop_book" ("title");

-- case: ADD CONSTRAINT UNIQUE builds an index (SM206 accepted)
-- disable: SM206
-- expect: SM965 x1
ALTER TABLE "blog_post" ADD CONSTRAINT "post_slug_uniq" UNIQUE ("slug");

-- case: two accepted index builds in one file: reported once
-- disable: SM101
-- expect: SM965 x1
CREATE INDEX "post_slug_idx" ON "blog_post" ("slug");
CREATE INDEX "post_title_idx" ON "blog_post" ("title");

-- case: a concurrent build
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS "post_slug_idx" ON "blog_post" ("slug");
