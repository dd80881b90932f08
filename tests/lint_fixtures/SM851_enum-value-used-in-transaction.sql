-- SM851 enum-value-used-in-transaction: New enum value used before COMMIT
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM851 x1
BEGIN;
ALTER TYPE mood ADD VALUE 'meh';
UPDATE "shop_review" SET "mood" = 'meh' WHERE "id" = 1;
COMMIT;

-- case: the rule's safe example
-- expect: none
ALTER TYPE mood ADD VALUE 'meh';
UPDATE "shop_review" SET "mood" = 'meh' WHERE "id" = 1;

-- case: an INSERT of the new value
-- expect: SM851 x1
BEGIN;
ALTER TYPE "status" ADD VALUE 'archived';
INSERT INTO "blog_post" ("status") VALUES ('archived');
COMMIT;

-- case: the value used after COMMIT
-- expect: none
BEGIN;
ALTER TYPE "status" ADD VALUE 'archived';
COMMIT;
UPDATE "blog_post" SET "status" = 'archived' WHERE "id" = 1;
