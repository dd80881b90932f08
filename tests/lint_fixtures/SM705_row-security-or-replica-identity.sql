-- SM705 row-security-or-replica-identity: Row security, policy or replica identity changed without lock_timeout
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM705 x1
ALTER TABLE "shop_book" REPLICA IDENTITY FULL;

-- case: the rule's safe example
-- expect: none
SET lock_timeout = '3s';
ALTER TABLE "shop_book" REPLICA IDENTITY FULL;

-- case: ENABLE ROW LEVEL SECURITY
-- expect: SM705 x1
ALTER TABLE "blog_post" ENABLE ROW LEVEL SECURITY;

-- case: with a lock_timeout
-- expect: none
SET lock_timeout = '2s';
ALTER TABLE "blog_post" ENABLE ROW LEVEL SECURITY;
