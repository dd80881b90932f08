create index books_title_idx on books (title);
