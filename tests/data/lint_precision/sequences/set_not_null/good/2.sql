set local lock_timeout = '2s';
alter table books add constraint title_not_null check (title is not null) not valid;
