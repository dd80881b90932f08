-- SM000 syntax-error: SQL that does not parse
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM000 x1
ALTER TABLE shop_book ADD COLUMNN price integer;

-- case: the rule's safe example
-- expect: none
ALTER TABLE shop_book ADD COLUMN price integer;

-- case: a table without a name
-- expect: SM000 x1
CREATE TABLE ("id" bigint);

-- case: a valid statement with a keyword-like identifier
-- expect: none
CREATE TABLE "select" ("from" bigint);
