-- django.contrib.postgres AddIndexConcurrently
-- expect: clean
--
-- Concurrently create index book_title_idx on field(s) title of model book
--
CREATE INDEX CONCURRENTLY "book_title_idx" ON "app_book" ("title");
