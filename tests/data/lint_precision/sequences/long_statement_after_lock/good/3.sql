select count(*) from books;
