-- SM203 validate-in-same-transaction: VALIDATE CONSTRAINT in the same transaction as ADD ... NOT VALID
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM203 x1
BEGIN;
ALTER TABLE "shop_book" ADD CONSTRAINT "price_gte_0" CHECK ("price" >= 0) NOT VALID;
ALTER TABLE "shop_book" VALIDATE CONSTRAINT "price_gte_0";
COMMIT;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD CONSTRAINT "price_gte_0" CHECK ("price" >= 0) NOT VALID;
ALTER TABLE "shop_book" VALIDATE CONSTRAINT "price_gte_0";

-- case: a foreign key validated in its transaction
-- expect: SM203 x1
BEGIN;
ALTER TABLE "blog_post" ADD CONSTRAINT "post_author_fk" FOREIGN KEY ("author_id") REFERENCES "blog_person" ("id") NOT VALID;
ALTER TABLE "blog_post" VALIDATE CONSTRAINT "post_author_fk";
COMMIT;

-- case: validated in the next transaction
-- expect: none
BEGIN;
ALTER TABLE "blog_post" ADD CONSTRAINT "c" CHECK ("a" > 0) NOT VALID;
COMMIT;
BEGIN;
ALTER TABLE "blog_post" VALIDATE CONSTRAINT "c";
COMMIT;
