alter type book_kind add value 'essay';
select 'essay'::book_kind;
