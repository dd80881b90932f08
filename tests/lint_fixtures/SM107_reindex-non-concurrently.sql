-- SM107 reindex-non-concurrently: REINDEX without CONCURRENTLY
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM107 x1
REINDEX INDEX "book_title_idx";

-- case: the rule's safe example
-- expect: none
REINDEX INDEX CONCURRENTLY "book_title_idx";

-- case: REINDEX TABLE
-- expect: SM107 x1
REINDEX TABLE "blog_post";

-- case: REINDEX TABLE CONCURRENTLY
-- expect: none
REINDEX TABLE CONCURRENTLY "blog_post";
