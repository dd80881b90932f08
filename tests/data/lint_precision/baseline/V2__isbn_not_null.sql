SET lock_timeout = '2s';
ALTER TABLE books ALTER COLUMN title TYPE varchar(80);
ALTER TABLE books ALTER COLUMN isbn SET NOT NULL;
CREATE UNIQUE INDEX CONCURRENTLY books_isbn_idx ON books (isbn);
ALTER TABLE books DROP CONSTRAINT isbn_nn;
