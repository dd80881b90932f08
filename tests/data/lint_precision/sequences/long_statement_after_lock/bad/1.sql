-- the count runs while ACCESS EXCLUSIVE is held
-- expect: SM961
create table books (id integer generated always as identity primary key, title text);
