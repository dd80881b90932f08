-- SM403 alter-type-referenced-key: Type change of a key other tables reference
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM403 x1
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id") NOT VALID;
ALTER TABLE "shop_author" ALTER COLUMN "id" TYPE bigint;

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") REFERENCES "shop_author" ("id") NOT VALID;
ALTER TABLE "shop_author" ALTER COLUMN "name" TYPE varchar(300);

-- case: a key two tables reference
-- expect: SM403 x1
ALTER TABLE "blog_post" ADD CONSTRAINT "post_author_fk" FOREIGN KEY ("author_id") REFERENCES "blog_person" ("id") NOT VALID;
ALTER TABLE "blog_note" ADD CONSTRAINT "note_author_fk" FOREIGN KEY ("author_id") REFERENCES "blog_person" ("id") NOT VALID;
ALTER TABLE "blog_person" ALTER COLUMN "id" TYPE bigint;

-- case: a key nothing references
-- expect: none
ALTER TABLE "blog_person" ALTER COLUMN "id" TYPE bigint;
