-- RemoveIndex rewritten
-- expect: clean
DROP INDEX CONCURRENTLY IF EXISTS "book_title_idx";
