create index concurrently books_author_idx on books (author_id);
