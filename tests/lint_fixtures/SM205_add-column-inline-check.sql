-- SM205 add-column-inline-check: Column added with an inline CHECK
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM205 x1
ALTER TABLE "shop_book" ADD COLUMN "stock" integer NULL CHECK ("stock" >= 0);

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN "stock" integer NULL;

-- case: a named inline CHECK
-- expect: SM205 x1
ALTER TABLE "blog_post" ADD COLUMN "rank" integer CONSTRAINT "rank_pos" CHECK ("rank" > 0);

-- case: on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint);
ALTER TABLE "blog_tag" ADD COLUMN "rank" integer CHECK ("rank" > 0);
