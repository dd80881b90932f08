-- SM303 add-column-then-drop-default: NOT NULL column whose database default is dropped right away
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM303 x1
ALTER TABLE "shop_book" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL;
ALTER TABLE "shop_book" ALTER COLUMN "qty" DROP DEFAULT;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN "qty" integer DEFAULT 0 NOT NULL;

-- case: another column
-- expect: SM303 x1
ALTER TABLE "blog_post" ADD COLUMN "views" integer DEFAULT 0 NOT NULL;
ALTER TABLE "blog_post" ALTER COLUMN "views" DROP DEFAULT;

-- case: a nullable column's default dropped
-- expect: none
ALTER TABLE "blog_post" ADD COLUMN "views" integer DEFAULT 0 NULL;
ALTER TABLE "blog_post" ALTER COLUMN "views" DROP DEFAULT;
