-- the index from an earlier file serves the key
create table authors (id integer generated always as identity primary key);
