set local lock_timeout = '2s';
alter table books alter column title set not null;
alter table books drop constraint title_not_null;
