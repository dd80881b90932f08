-- AlterField(db_index=True)
-- expect: SM101
BEGIN;
--
-- Alter field title on book
--
CREATE INDEX "app_book_title_4b1e8d_idx" ON "app_book" ("title");
CREATE INDEX "app_book_title_4b1e8d_like" ON "app_book" ("title" varchar_pattern_ops);
COMMIT;
