create type book_kind as enum ('novel');
create table books (id integer generated always as identity primary key, kind book_kind);
