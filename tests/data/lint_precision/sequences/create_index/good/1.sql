create table books (id integer generated always as identity primary key, title text);
