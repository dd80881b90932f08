-- SM964 identifier-too-long: Identifier longer than 63 bytes
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM964 x1
CREATE INDEX CONCURRENTLY IF NOT EXISTS "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" ON "shop_book" ("title");

-- case: the rule's safe example
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_title_idx" ON "shop_book" ("title");

-- case: a long constraint name
-- expect: SM964 x1
ALTER TABLE "blog_post" ADD CONSTRAINT "blog_post_title_must_not_be_blank_and_must_not_be_only_spaces_either" CHECK ("title" <> '') NOT VALID;

-- case: exactly 63 bytes
-- expect: none
CREATE INDEX CONCURRENTLY IF NOT EXISTS "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii" ON "blog_post" ("title");
