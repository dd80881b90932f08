set local lock_timeout = '2s';
alter table books validate constraint books_author_fk;
