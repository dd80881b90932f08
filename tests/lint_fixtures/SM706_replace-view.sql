-- SM706 replace-view: View replaced without lock_timeout
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM706 x1
CREATE OR REPLACE VIEW "shop_cheap_books" AS SELECT "id", "title" FROM "shop_book";

-- case: the rule's safe example
-- expect: none
SET lock_timeout = '3s';
CREATE OR REPLACE VIEW "shop_cheap_books" AS SELECT "id", "title" FROM "shop_book";

-- case: another view
-- expect: SM706 x1
CREATE OR REPLACE VIEW "blog_recent" AS SELECT "id" FROM "blog_post";

-- case: CREATE VIEW without OR REPLACE
-- expect: none
CREATE VIEW "blog_recent" AS SELECT "id" FROM "blog_post";
