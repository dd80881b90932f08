-- SM306 add-column-constrained-domain: Column added with a constrained domain type
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM306 x1
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
ALTER TABLE "shop_book" ADD COLUMN "stock" posint;

-- case: the rule's safe example
-- expect: none
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
ALTER TABLE "shop_book" ADD COLUMN "stock" integer;

-- case: a NOT NULL domain
-- expect: SM306 x1
CREATE DOMAIN "req_text" AS text NOT NULL;
ALTER TABLE "blog_post" ADD COLUMN "summary" req_text;

-- case: a domain without constraints
-- expect: none
CREATE DOMAIN "plain_text" AS text;
ALTER TABLE "blog_post" ADD COLUMN "summary" plain_text;
