-- AddIndex concurrently with the statement timeout lifted
-- expect: clean
SET statement_timeout TO '0';
CREATE INDEX CONCURRENTLY "book_title_idx" ON "app_book" ("title");
SET statement_timeout TO '5s';
