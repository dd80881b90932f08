-- SM961 statements-after-strong-lock: Slow statement while the transaction holds a strong lock
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM961 x1
BEGIN;
ALTER TABLE "shop_book" ADD COLUMN "qty" integer NULL;
INSERT INTO "shop_stock" ("book_id", "qty") SELECT "id", 0 FROM "shop_book";
COMMIT;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN "qty" integer NULL;
INSERT INTO "shop_stock" ("book_id", "qty") SELECT "id", 0 FROM "shop_book";

-- case: an index build on the table ADD COLUMN locked: folded into SM101
-- expect: none
BEGIN;
ALTER TABLE "blog_post" ADD COLUMN "slug" text;
CREATE INDEX "post_slug_idx" ON "blog_post" ("slug");
COMMIT;

-- case: the same index build accepted (SM101 off): SM961 reports it
-- disable: SM101
-- expect: SM961 x1
BEGIN;
ALTER TABLE "blog_post" ADD COLUMN "slug" text;
CREATE INDEX "post_slug_idx" ON "blog_post" ("slug");
COMMIT;

-- case: an index build on another table than the held one: SM101 does not say blog_post waits
-- expect: SM961 x1
BEGIN;
ALTER TABLE "blog_post" ADD COLUMN "slug" text;
CREATE INDEX "author_name_idx" ON "blog_author" ("name");
COMMIT;

-- case: a back-fill of the held table: folded into SM502
-- expect: none
BEGIN;
ALTER TABLE "shop_book" ADD COLUMN "qty" integer NULL;
UPDATE "shop_book" SET "qty" = 0 WHERE "qty" IS NULL;
COMMIT;

-- case: SET NOT NULL and a validated foreign key on the held table: folded into SM501, SM201
-- expect: none
BEGIN;
ALTER TABLE "shop_book" ALTER COLUMN "qty" SET DEFAULT 0;
ALTER TABLE "shop_book" ALTER COLUMN "qty" SET NOT NULL;
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id");
COMMIT;

-- case: the same steps accepted (SM501, SM201 off): SM961 reports both
-- disable: SM501, SM201
-- expect: SM961 x2
BEGIN;
ALTER TABLE "shop_book" ALTER COLUMN "qty" SET DEFAULT 0;
ALTER TABLE "shop_book" ALTER COLUMN "qty" SET NOT NULL;
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id");
COMMIT;

-- case: another table locked too (no other rule reports it)
-- expect: SM961 x1
BEGIN;
ALTER TABLE "shop_book" ADD COLUMN "qty" integer NULL;
ALTER TABLE "shop_order" ADD COLUMN "note" text NULL;
COMMIT;

-- case: a table created in the transaction
-- expect: none
BEGIN;
CREATE TABLE "blog_tag" ("id" bigint, "name" text);
CREATE INDEX "tag_name_idx" ON "blog_tag" ("name");
COMMIT;
