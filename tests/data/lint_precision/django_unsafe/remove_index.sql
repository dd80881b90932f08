-- RemoveIndex
-- expect: SM106
BEGIN;
--
-- Remove index book_title_idx from book
--
DROP INDEX IF EXISTS "book_title_idx";
COMMIT;
