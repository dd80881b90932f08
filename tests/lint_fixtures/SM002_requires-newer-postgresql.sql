-- SM002 requires-newer-postgresql: Feature not available on the target PostgreSQL version
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM002 x1
-- pg: 14
ALTER TABLE shop_book ALTER COLUMN total SET EXPRESSION AS (price * qty);

-- case: the rule's safe example
-- expect: none
-- pg: 14
ALTER TABLE shop_book ALTER COLUMN total DROP EXPRESSION;

-- case: MERGE targets PostgreSQL 14
-- expect: SM002 x1
-- pg: 14
MERGE INTO "t" USING "s" ON "t"."id" = "s"."id" WHEN MATCHED THEN DELETE;

-- case: MERGE on PostgreSQL 15
-- expect: none
-- pg: 15
MERGE INTO "t" USING "s" ON "t"."id" = "s"."id" WHEN MATCHED THEN DELETE;

-- case: UNIQUE NULLS NOT DISTINCT on 14
-- expect: SM002 x1
-- pg: 14
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "u" ON "t" ("a") NULLS NOT DISTINCT;
