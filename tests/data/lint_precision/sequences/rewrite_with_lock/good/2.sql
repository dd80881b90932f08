set local lock_timeout = '2s';
alter table books add column number bigint;
