create unique index concurrently books_title_unique_idx on books (title);
