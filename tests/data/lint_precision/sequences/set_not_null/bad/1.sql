-- SET NOT NULL scans the table under ACCESS EXCLUSIVE
-- expect: SM501
create table books (id integer generated always as identity primary key, title text);
