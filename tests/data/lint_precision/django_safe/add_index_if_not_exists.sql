-- AddIndex, idempotent SQL
-- expect: clean
CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_title_idx" ON "app_book" ("title");
