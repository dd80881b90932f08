create table books (id integer generated always as identity primary key, author_id integer);
