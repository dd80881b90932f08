-- SM704 trigger-change: Trigger changed without lock_timeout
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM704 x1
ALTER TABLE "shop_book" DISABLE TRIGGER USER;

-- case: the rule's safe example
-- expect: none
SET lock_timeout = '3s';
ALTER TABLE "shop_book" DISABLE TRIGGER USER;

-- case: CREATE TRIGGER
-- expect: SM704 x1
CREATE TRIGGER "post_touch" BEFORE UPDATE ON "blog_post" FOR EACH ROW EXECUTE FUNCTION "touch"();

-- case: on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint);
CREATE TRIGGER "tag_touch" BEFORE UPDATE ON "blog_tag" FOR EACH ROW EXECUTE FUNCTION "touch"();
