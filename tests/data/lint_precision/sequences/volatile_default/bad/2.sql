set local lock_timeout = '2s';
alter table books add column uid uuid not null default gen_random_uuid();
