-- SM401 alter-column-type-rewrite: Column type change that rewrites the table
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM401 x1
ALTER TABLE "shop_book" ALTER COLUMN "qty" TYPE bigint USING "qty"::bigint;

-- case: the rule's safe example
-- expect: none
CREATE TABLE "shop_note" ("id" bigint, "title" varchar(100));
ALTER TABLE "shop_note" ALTER COLUMN "title" TYPE varchar(200);

-- case: int to text on a column created in the file
-- expect: SM401 x1
CREATE TABLE "blog_tag" ("id" bigint, "code" integer);
ALTER TABLE "blog_tag" ALTER COLUMN "code" TYPE text;

-- case: varchar to text is binary-coercible
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint, "name" varchar(50));
ALTER TABLE "blog_tag" ALTER COLUMN "name" TYPE text;
