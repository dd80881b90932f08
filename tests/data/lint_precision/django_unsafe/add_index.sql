-- AddIndex as Django emits it
-- expect: SM101
BEGIN;
--
-- Create index book_title_idx on field(s) title of model book
--
CREATE INDEX "book_title_idx" ON "app_book" ("title");
COMMIT;
