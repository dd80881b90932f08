set local lock_timeout = '2s';
alter table books add constraint title_unique unique using index books_title_unique_idx;
