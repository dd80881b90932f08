create unique index concurrently books_pkey_idx on books (id);
