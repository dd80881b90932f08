-- SM603 drop-column: Column dropped while code may still use it
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM603 x1
ALTER TABLE "shop_book" DROP COLUMN "notes" CASCADE;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ALTER COLUMN "notes" DROP NOT NULL;

-- case: two columns in one statement
-- expect: SM603 x2
ALTER TABLE "blog_post" DROP COLUMN "a", DROP COLUMN "b";

-- case: on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint, "x" text);
ALTER TABLE "blog_tag" DROP COLUMN "x";
