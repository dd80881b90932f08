-- a serial column rewrites the table
-- expect: SM304
create table books (id integer generated always as identity primary key, title text);
