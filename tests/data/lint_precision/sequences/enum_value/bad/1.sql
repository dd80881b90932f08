-- a new enum value cannot be used in the transaction that adds it
-- expect: SM851
create type book_kind as enum ('novel');
create table books (id integer generated always as identity primary key, kind book_kind);
