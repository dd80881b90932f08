-- SM963 transaction-nesting: Misplaced BEGIN / COMMIT
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM963 x1
BEGIN;
BEGIN;
ALTER TABLE "shop_book" DROP COLUMN "notes";
COMMIT;

-- case: the rule's safe example
-- expect: none
BEGIN;
ALTER TABLE "shop_book" DROP COLUMN "notes";
COMMIT;

-- case: a transaction never committed
-- expect: SM963 x1
BEGIN;
ALTER TABLE "blog_post" ADD COLUMN "a" integer;

-- case: two transactions one after the other
-- expect: none
BEGIN;
ALTER TABLE "blog_post" ADD COLUMN "a" integer;
COMMIT;
BEGIN;
ALTER TABLE "blog_post" ADD COLUMN "b" integer;
COMMIT;
