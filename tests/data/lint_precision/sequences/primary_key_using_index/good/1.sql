-- id is NOT NULL since the first file
create table books (id integer not null, title text);
