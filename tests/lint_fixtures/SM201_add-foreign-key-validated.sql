-- SM201 add-foreign-key-validated: Foreign key added without NOT VALID
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM201 x1
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id");

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id") NOT VALID;
ALTER TABLE "shop_book" VALIDATE CONSTRAINT "book_author_fk";

-- case: an unnamed foreign key
-- expect: SM201 x1
ALTER TABLE "blog_post" ADD FOREIGN KEY ("author_id") REFERENCES "blog_person" ("id");

-- case: a foreign key on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint, "post_id" bigint);
ALTER TABLE "blog_tag" ADD CONSTRAINT "tag_post_fk" FOREIGN KEY ("post_id") REFERENCES "blog_post" ("id");
