-- SM501 set-not-null: SET NOT NULL with a full-table scan
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM501 x1
ALTER TABLE "shop_book" ALTER COLUMN "isbn" SET NOT NULL;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD CONSTRAINT "isbn_nn" CHECK ("isbn" IS NOT NULL) NOT VALID;
ALTER TABLE "shop_book" VALIDATE CONSTRAINT "isbn_nn";
ALTER TABLE "shop_book" ALTER COLUMN "isbn" SET NOT NULL;
ALTER TABLE "shop_book" DROP CONSTRAINT "isbn_nn";

-- case: another column
-- expect: SM501 x1
ALTER TABLE "blog_post" ALTER COLUMN "title" SET NOT NULL;

-- case: on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint, "name" text);
ALTER TABLE "blog_tag" ALTER COLUMN "name" SET NOT NULL;
