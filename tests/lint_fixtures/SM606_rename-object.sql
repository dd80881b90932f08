-- SM606 rename-object: Function, type, schema, type attribute or enum value renamed
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM606 x1
ALTER TYPE "mood" RENAME VALUE 'ok' TO 'fine';

-- case: the rule's safe example
-- expect: none
ALTER TYPE "mood" ADD VALUE IF NOT EXISTS 'fine';

-- case: a function rename
-- expect: SM606 x1
ALTER FUNCTION "slugify"(text) RENAME TO "make_slug";

-- case: a function created in the file
-- expect: none
CREATE FUNCTION "slugify"(t text) RETURNS text LANGUAGE sql AS $$ SELECT lower(t) $$;
ALTER FUNCTION "slugify"(text) RENAME TO "make_slug";
