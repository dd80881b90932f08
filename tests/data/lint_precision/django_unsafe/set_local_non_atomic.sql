-- SET LOCAL outside a transaction protects nothing (SM967 notes why)
-- expect: SM962
--
-- Non-atomic migration (atomic = False): each statement commits alone
--
SET LOCAL lock_timeout = '2s';
ALTER TABLE "app_book" ADD COLUMN "notes" text NULL;
