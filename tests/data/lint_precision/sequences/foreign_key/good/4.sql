set local lock_timeout = '2s';
alter table books add constraint books_author_fk foreign key (author_id) references authors (id) not valid;
