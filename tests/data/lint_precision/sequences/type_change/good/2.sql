set local lock_timeout = '2s';
alter table books alter column title type text;
