-- AddIndex with a condition
-- expect: SM101
BEGIN;
CREATE INDEX "book_active_idx" ON "app_book" ("published") WHERE "active";
COMMIT;
