set local lock_timeout = '2s';
alter table books alter column number set default nextval('books_number_seq');
