alter table books add column email text;
