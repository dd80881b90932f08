-- SM202 add-column-with-foreign-key: Column added with an inline foreign key
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM202 x1
ALTER TABLE "shop_book" ADD COLUMN "editor_id" bigint NULL CONSTRAINT "book_editor_fk" REFERENCES "shop_author" ("id") DEFERRABLE INITIALLY DEFERRED;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD COLUMN "editor_id" bigint NULL;
ALTER TABLE "shop_book" ADD CONSTRAINT "book_editor_fk" FOREIGN KEY ("editor_id") REFERENCES "shop_author" ("id") NOT VALID;

-- case: with a default every row is checked
-- expect: SM202 x1
ALTER TABLE "blog_post" ADD COLUMN "author_id" bigint DEFAULT 1 REFERENCES "blog_person" ("id");

-- case: on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint);
ALTER TABLE "blog_tag" ADD COLUMN "post_id" bigint REFERENCES "blog_post" ("id");
