-- SM701 vacuum-full-or-cluster: VACUUM FULL / CLUSTER
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM701 x1
VACUUM FULL "shop_book";

-- case: the rule's safe example
-- expect: none
VACUUM "shop_book";

-- case: CLUSTER
-- expect: SM701 x1
CLUSTER "blog_post" USING "post_pkey";

-- case: ANALYZE
-- expect: none
ANALYZE "blog_post";
