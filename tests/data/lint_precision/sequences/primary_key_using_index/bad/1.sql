-- the id column may hold NULLs: the key scans under ACCESS EXCLUSIVE
-- expect: SM208
create table books (id integer, title text);
