-- idempotent mode's REINDEX of an invalid index
-- expect: clean
REINDEX INDEX CONCURRENTLY "book_title_idx";
