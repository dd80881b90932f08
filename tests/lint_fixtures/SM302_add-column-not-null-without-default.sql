-- SM302 add-column-not-null-without-default: NOT NULL column added without a default
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM302 x1
ALTER TABLE "shop_book" ADD COLUMN "qty" integer NOT NULL;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL;

-- case: a text column
-- expect: SM302 x1
ALTER TABLE "blog_post" ADD COLUMN "body" text NOT NULL;

-- case: on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint);
ALTER TABLE "blog_tag" ADD COLUMN "name" text NOT NULL;
