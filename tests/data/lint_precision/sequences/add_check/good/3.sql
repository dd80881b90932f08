set local lock_timeout = '2s';
alter table books validate constraint title_long;
