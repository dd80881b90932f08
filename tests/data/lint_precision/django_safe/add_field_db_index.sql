-- AlterField(db_index=True) rewritten
-- expect: clean
CREATE INDEX CONCURRENTLY "app_book_title_4b1e8d_idx" ON "app_book" ("title");
CREATE INDEX CONCURRENTLY "app_book_title_4b1e8d_like" ON "app_book" ("title" varchar_pattern_ops);
