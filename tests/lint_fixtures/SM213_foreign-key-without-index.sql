-- SM213 foreign-key-without-index: Foreign key without an index on its columns
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM213 x1
ALTER TABLE "shop_book" ADD COLUMN "author_id" bigint NULL;
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id") NOT VALID;

-- case: the rule's safe example
-- expect: none
CREATE INDEX CONCURRENTLY "book_author_idx" ON "shop_book" ("author_id");
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id") NOT VALID;

-- case: a new column's key without an index
-- expect: SM213 x1
ALTER TABLE "blog_post" ADD COLUMN "author_id" bigint;
ALTER TABLE "blog_post" ADD CONSTRAINT "post_author_fk" FOREIGN KEY ("author_id") REFERENCES "blog_person" ("id") NOT VALID;

-- case: an index that leads with the key column
-- expect: none
ALTER TABLE "blog_post" ADD COLUMN "author_id" bigint;
CREATE INDEX CONCURRENTLY "post_author_idx" ON "blog_post" ("author_id", "id");
ALTER TABLE "blog_post" ADD CONSTRAINT "post_author_fk" FOREIGN KEY ("author_id") REFERENCES "blog_person" ("id") NOT VALID;

-- case: an index with the key column second
-- expect: SM213 x1
ALTER TABLE "blog_post" ADD COLUMN "author_id" bigint;
CREATE INDEX CONCURRENTLY "post_author_idx" ON "blog_post" ("id", "author_id");
ALTER TABLE "blog_post" ADD CONSTRAINT "post_author_fk" FOREIGN KEY ("author_id") REFERENCES "blog_person" ("id") NOT VALID;
