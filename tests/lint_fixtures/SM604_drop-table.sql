-- SM604 drop-table: Table dropped while code may still use it
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM604 x1
DROP TABLE "shop_writer" CASCADE;

-- case: the rule's safe example
-- expect: none
CREATE TABLE "shop_tmp" ("id" bigint);
DROP TABLE "shop_tmp";

-- case: a plain drop
-- expect: SM604 x1
DROP TABLE "blog_legacy";

-- case: a view
-- expect: none
DROP VIEW "blog_recent";
