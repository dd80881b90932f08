-- shrinking a varchar re-checks every row
-- expect: SM401
create table books (id integer generated always as identity primary key, title varchar(255));
