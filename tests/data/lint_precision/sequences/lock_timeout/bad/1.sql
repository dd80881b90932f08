-- ACCESS EXCLUSIVE requested without a lock_timeout
-- expect: SM962
create table books (id integer generated always as identity primary key, title text);
