-- a validated CHECK scans under ACCESS EXCLUSIVE
-- expect: SM204
create table books (id integer generated always as identity primary key, title text);
