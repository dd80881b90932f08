-- SM602 rename-table: Table renamed or moved to another schema
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM602 x1
ALTER TABLE "shop_author" RENAME TO "shop_writer";

-- case: the rule's safe example
-- expect: none
CREATE VIEW "shop_writer" AS SELECT * FROM "shop_author";

-- case: SET SCHEMA
-- expect: SM602 x1
ALTER TABLE "blog_post" SET SCHEMA "archive";

-- case: renaming a sequence after its table
-- expect: none
ALTER TABLE "blog_post_id_seq" RENAME TO "blog_article_id_seq";
