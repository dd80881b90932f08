set local lock_timeout = '2s';
alter table books add column ratio double precision not null default pi();
