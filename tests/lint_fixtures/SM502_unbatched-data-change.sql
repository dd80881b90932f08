-- SM502 unbatched-data-change: Data back-fill in a single statement
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM502 x1
UPDATE "shop_book" SET "isbn" = '' WHERE "isbn" IS NULL;

-- case: the rule's safe example
-- expect: none
UPDATE "shop_book" SET "isbn" = '' WHERE "id" = 42;

-- case: a DELETE by date
-- expect: SM502 x1
DELETE FROM "blog_post" WHERE "created" < now() - interval '1 year';

-- case: an UPDATE of every row
-- expect: SM502 x1
UPDATE "blog_post" SET "views" = 0;

-- case: an UPDATE by primary key
-- expect: none
UPDATE "blog_post" SET "views" = 0 WHERE "id" = 7;
