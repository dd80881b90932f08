-- SM961 statements-after-strong-lock: Slow statement while the transaction holds a strong lock
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM961 x1
BEGIN;
ALTER TABLE "shop_book" ADD COLUMN "qty" integer NULL;
UPDATE "shop_book" SET "qty" = 0 WHERE "qty" IS NULL;
COMMIT;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN "qty" integer NULL;
UPDATE "shop_book" SET "qty" = 0 WHERE "qty" IS NULL;

-- case: an index build after ADD COLUMN
-- expect: SM961 x1
BEGIN;
ALTER TABLE "blog_post" ADD COLUMN "slug" text;
CREATE INDEX "post_slug_idx" ON "blog_post" ("slug");
COMMIT;

-- case: a table created in the transaction
-- expect: none
BEGIN;
CREATE TABLE "blog_tag" ("id" bigint, "name" text);
CREATE INDEX "tag_name_idx" ON "blog_tag" ("name");
COMMIT;
