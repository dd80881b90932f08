-- SM962 missing-lock-timeout: Lock taken without lock_timeout
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM962 x1
ALTER TABLE "shop_book" ADD COLUMN "notes" text NULL;

-- case: the rule's safe example
-- expect: none
SET lock_timeout = '3s';
ALTER TABLE "shop_book" ADD COLUMN "notes" text NULL;

-- case: DROP COLUMN
-- expect: SM962 x1
ALTER TABLE "blog_post" DROP COLUMN "legacy";

-- case: lock_timeout set with set_config
-- expect: none
SELECT set_config('lock_timeout', '3s', false);
ALTER TABLE "blog_post" DROP COLUMN "legacy";

-- case: lock_timeout reset to 0
-- expect: SM962 x1
SET lock_timeout = '3s';
RESET lock_timeout;
ALTER TABLE "blog_post" DROP COLUMN "legacy";
