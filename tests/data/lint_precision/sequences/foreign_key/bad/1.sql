-- a validated foreign key scans both tables
-- expect: SM201
create table authors (id integer generated always as identity primary key);
