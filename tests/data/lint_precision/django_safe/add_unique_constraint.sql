-- AddConstraint(UniqueConstraint) rewritten
-- expect: clean
CREATE UNIQUE INDEX CONCURRENTLY "isbn_unique" ON "app_book" ("isbn");
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD CONSTRAINT "isbn_unique" UNIQUE USING INDEX "isbn_unique";
SET lock_timeout TO '0ms';
