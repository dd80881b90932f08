-- SM707 identity-storage-or-sequence-change: Identity, storage or sequence changed without lock_timeout
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM707 x1
ALTER TABLE "shop_book" ALTER COLUMN "notes" SET STORAGE EXTERNAL;

-- case: the rule's safe example
-- expect: none
SET lock_timeout = '3s';
ALTER TABLE "shop_book" ALTER COLUMN "notes" SET STORAGE EXTERNAL;

-- case: ADD GENERATED AS IDENTITY
-- expect: SM707 x1
ALTER TABLE "blog_post" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;

-- case: on a table created in the file
-- expect: none
CREATE TABLE "blog_tag" ("id" bigint NOT NULL);
ALTER TABLE "blog_tag" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;
