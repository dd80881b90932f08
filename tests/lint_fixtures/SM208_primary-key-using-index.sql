-- SM208 primary-key-using-index: PRIMARY KEY USING INDEX over columns that may be nullable
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM208 x1
ALTER TABLE "shop_legacy" ADD CONSTRAINT "legacy_pk" PRIMARY KEY USING INDEX "legacy_pk_idx";

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_legacy" ADD CONSTRAINT "legacy_uniq" UNIQUE USING INDEX "legacy_idx";

-- case: a key on a nullable indexed column
-- expect: SM208 x1
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "post_code_idx" ON "blog_post" ("code");
ALTER TABLE "blog_post" ADD CONSTRAINT "post_pk" PRIMARY KEY USING INDEX "post_code_idx";

-- case: the column made NOT NULL without a scan first
-- expect: none
ALTER TABLE "blog_post" ADD CONSTRAINT "code_nn" CHECK ("code" IS NOT NULL) NOT VALID;
ALTER TABLE "blog_post" VALIDATE CONSTRAINT "code_nn";
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "post_code_idx" ON "blog_post" ("code");
ALTER TABLE "blog_post" ADD CONSTRAINT "post_pk" PRIMARY KEY USING INDEX "post_code_idx";
