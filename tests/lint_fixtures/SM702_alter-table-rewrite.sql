-- SM702 alter-table-rewrite: ALTER TABLE form that rewrites the table
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM702 x1
ALTER TABLE "shop_book" SET TABLESPACE "fast_ssd";

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" SET (fillfactor = 90);

-- case: SET LOGGED
-- expect: SM702 x1
ALTER TABLE "blog_post" SET LOGGED;

-- case: on a table created in the file
-- expect: none
CREATE UNLOGGED TABLE "blog_tmp" ("id" bigint);
ALTER TABLE "blog_tmp" SET LOGGED;
