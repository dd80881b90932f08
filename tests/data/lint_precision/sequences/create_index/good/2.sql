create index concurrently books_title_idx on books (title);
