-- SM703 refresh-materialized-view: REFRESH MATERIALIZED VIEW without CONCURRENTLY
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM703 x1
REFRESH MATERIALIZED VIEW "shop_sales";

-- case: the rule's safe example
-- expect: none
REFRESH MATERIALIZED VIEW CONCURRENTLY "shop_sales";

-- case: another view
-- expect: SM703 x1
REFRESH MATERIALIZED VIEW "blog_stats";

-- case: a view created in the file
-- expect: none
CREATE MATERIALIZED VIEW "blog_stats" AS SELECT 1 AS "n";
REFRESH MATERIALIZED VIEW "blog_stats";
