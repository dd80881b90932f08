-- varchar to text: binary coercible, known from the first file
create table books (id integer generated always as identity primary key, title varchar(255));
