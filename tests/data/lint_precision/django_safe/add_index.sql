-- AddIndex rewritten concurrently
-- expect: clean
CREATE INDEX CONCURRENTLY "book_title_idx" ON "app_book" ("title");
