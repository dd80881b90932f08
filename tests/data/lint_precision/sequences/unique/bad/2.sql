set local lock_timeout = '2s';
alter table books add constraint title_unique unique (title);
