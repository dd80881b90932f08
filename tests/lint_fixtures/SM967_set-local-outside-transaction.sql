-- SM967 set-local-outside-transaction: SET LOCAL outside a transaction block does nothing
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM967 x1
SET LOCAL lock_timeout = '3s';
ALTER TABLE "shop_book" ADD COLUMN "notes" text NULL;

-- case: the rule's safe example
-- expect: none
BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE "shop_book" ADD COLUMN "notes" text NULL;
COMMIT;

-- case: SET LOCAL statement_timeout
-- expect: SM967 x1
SET LOCAL statement_timeout = '5min';
CREATE INDEX "i" ON "blog_post" ("a");

-- case: a plain SET
-- expect: none
SET statement_timeout = '5min';
CREATE INDEX "i" ON "blog_post" ("a");
