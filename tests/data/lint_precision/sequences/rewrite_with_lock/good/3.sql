create sequence books_number_seq owned by books.number;
