-- SM301 add-column-volatile-default: Column added with a volatile default
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM301 x1
ALTER TABLE "shop_book" ADD COLUMN "uid" uuid DEFAULT (GEN_RANDOM_UUID()) NOT NULL;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN "created" timestamptz DEFAULT (STATEMENT_TIMESTAMP()) NOT NULL;

-- case: random()
-- expect: SM301 x1
ALTER TABLE "blog_post" ADD COLUMN "r" double precision DEFAULT random();

-- case: a constant default
-- expect: none
ALTER TABLE "blog_post" ADD COLUMN "views" integer DEFAULT 0 NOT NULL;
