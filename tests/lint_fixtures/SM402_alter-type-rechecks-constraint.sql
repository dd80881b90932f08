-- SM402 alter-type-rechecks-constraint: Type change of a column a CHECK constraint reads
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM402 x1
ALTER TABLE "shop_book" ADD CONSTRAINT "book_title_not_blank" CHECK ("title" <> '') NOT VALID;
ALTER TABLE "shop_book" VALIDATE CONSTRAINT "book_title_not_blank";
ALTER TABLE "shop_book" ALTER COLUMN "title" TYPE varchar(300);

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" DROP CONSTRAINT "book_title_not_blank";
ALTER TABLE "shop_book" ALTER COLUMN "title" TYPE varchar(300);
ALTER TABLE "shop_book" ADD CONSTRAINT "book_title_not_blank" CHECK ("title" <> '') NOT VALID;
ALTER TABLE "shop_book" VALIDATE CONSTRAINT "book_title_not_blank";

-- case: a CHECK on the changed column
-- expect: SM402 x1
ALTER TABLE "blog_post" ADD CONSTRAINT "views_pos" CHECK ("views" >= 0) NOT VALID;
ALTER TABLE "blog_post" VALIDATE CONSTRAINT "views_pos";
ALTER TABLE "blog_post" ALTER COLUMN "views" TYPE bigint;

-- case: a CHECK on another column
-- expect: none
ALTER TABLE "blog_post" ADD CONSTRAINT "views_pos" CHECK ("views" >= 0) NOT VALID;
ALTER TABLE "blog_post" VALIDATE CONSTRAINT "views_pos";
ALTER TABLE "blog_post" ALTER COLUMN "title" TYPE varchar(300);
