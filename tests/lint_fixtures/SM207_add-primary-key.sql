-- SM207 add-primary-key: PRIMARY KEY built under ACCESS EXCLUSIVE
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM207 x1
ALTER TABLE "shop_legacy" ADD PRIMARY KEY ("id");

-- case: the rule's safe example
-- expect: none
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "legacy_pk_idx" ON "shop_legacy" ("id");
ALTER TABLE "shop_legacy" ADD CONSTRAINT "legacy_pk" PRIMARY KEY USING INDEX "legacy_pk_idx";

-- case: a named two-column key
-- expect: SM207 x1
ALTER TABLE "blog_link" ADD CONSTRAINT "link_pk" PRIMARY KEY ("a_id", "b_id");

-- case: a key on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint);
ALTER TABLE "blog_tag" ADD PRIMARY KEY ("id");
