set local lock_timeout = '2s';
alter table books add constraint title_long check (length(title) > 3) not valid;
