-- a UNIQUE constraint builds its index under ACCESS EXCLUSIVE
-- expect: SM206
create table books (id integer generated always as identity primary key, title text);
