set local lock_timeout = '2s';
alter table books add constraint books_pkey primary key using index books_pkey_idx;
