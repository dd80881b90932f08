-- the CHECK validated in an earlier file lets SET NOT NULL skip its scan
create table books (id integer generated always as identity primary key, title text);
