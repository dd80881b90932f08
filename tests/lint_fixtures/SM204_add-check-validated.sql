-- SM204 add-check-validated: CHECK constraint added without NOT VALID
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM204 x1
ALTER TABLE "shop_book" ADD CONSTRAINT "price_gte_0" CHECK ("price" >= 0);

-- case: the rule's safe example
-- expect: none
ALTER TABLE "shop_book" ADD CONSTRAINT "price_gte_0" CHECK ("price" >= 0) NOT VALID;

-- case: an unnamed CHECK
-- expect: SM204 x1
ALTER TABLE "blog_post" ADD CHECK ("a" > 0);

-- case: a CHECK on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint, "a" integer);
ALTER TABLE "blog_tag" ADD CONSTRAINT "a_pos" CHECK ("a" > 0);
