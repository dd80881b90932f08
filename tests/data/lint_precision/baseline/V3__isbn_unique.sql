SET lock_timeout = '2s';
ALTER TABLE books ADD CONSTRAINT books_isbn_key UNIQUE USING INDEX books_isbn_idx;
ALTER TABLE books ALTER COLUMN title TYPE text;
