-- SM212 drop-constraint: Constraint dropped without lock_timeout
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM212 x1
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id") NOT VALID;
ALTER TABLE "shop_book" DROP CONSTRAINT "book_author_fk";

-- case: the rule's safe example
-- expect: none
SET lock_timeout = '3s';
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id") NOT VALID;
ALTER TABLE "shop_book" DROP CONSTRAINT "book_author_fk";

-- case: a drop on an existing table
-- expect: SM212 x1
ALTER TABLE "blog_post" DROP CONSTRAINT "post_author_fk";

-- case: a drop on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint, CONSTRAINT "c" CHECK ("id" > 0));
ALTER TABLE "blog_tag" DROP CONSTRAINT "c";
