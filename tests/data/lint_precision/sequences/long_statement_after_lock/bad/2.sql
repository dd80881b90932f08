set local lock_timeout = '2s';
alter table books add column email text;
select count(*) from books;
