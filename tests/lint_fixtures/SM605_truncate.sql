-- SM605 truncate: TRUNCATE
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM605 x1
TRUNCATE "shop_book" CASCADE;

-- case: the rule's safe example
-- expect: none
DELETE FROM "shop_book" WHERE "id" = 42;

-- case: two tables
-- expect: SM605 x1
TRUNCATE "blog_post", "blog_note";

-- case: a DELETE of every row is not a TRUNCATE
-- expect: none
DELETE FROM "blog_post";
