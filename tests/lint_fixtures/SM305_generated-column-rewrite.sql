-- SM305 generated-column-rewrite: Stored generated column added or changed
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM305 x1
ALTER TABLE "shop_book" ADD COLUMN "total" integer GENERATED ALWAYS AS ("price" * "qty") STORED;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN "total" integer NULL;

-- case: a stored generated column on 16
-- expect: SM305 x1
ALTER TABLE "blog_post" ADD COLUMN "slug_lower" text GENERATED ALWAYS AS (lower("slug")) STORED;

-- case: a virtual generated column on 18
-- expect: none
-- pg: 18
ALTER TABLE "blog_post" ADD COLUMN "slug_lower" text GENERATED ALWAYS AS (lower("slug")) VIRTUAL;
