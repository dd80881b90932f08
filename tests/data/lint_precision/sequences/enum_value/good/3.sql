select 'essay'::book_kind;
