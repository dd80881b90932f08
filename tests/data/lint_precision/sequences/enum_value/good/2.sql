alter type book_kind add value 'essay';
