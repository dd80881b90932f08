-- a volatile default rewrites the table
-- expect: SM301
create table books (id integer generated always as identity primary key, title text);
