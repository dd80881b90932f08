-- SM601 rename-column: Column renamed on a live table
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM601 x1
ALTER TABLE "shop_book" RENAME COLUMN "notes" TO "remarks";

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN "remarks" text NULL;

-- case: another column
-- expect: SM601 x1
ALTER TABLE "blog_post" RENAME COLUMN "body" TO "text";

-- case: on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint, "nm" text);
ALTER TABLE "blog_tag" RENAME COLUMN "nm" TO "name";
