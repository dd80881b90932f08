-- AddConstraint(CheckConstraint) rewritten
-- expect: clean
SET lock_timeout TO '2s';
ALTER TABLE "app_book" ADD CONSTRAINT "pages_positive" CHECK ("pages" > 0) NOT VALID;
SET lock_timeout TO '0ms';
ALTER TABLE "app_book" VALIDATE CONSTRAINT "pages_positive";
