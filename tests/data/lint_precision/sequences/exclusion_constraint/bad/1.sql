-- an exclusion constraint builds its index under ACCESS EXCLUSIVE
-- expect: SM209
create extension if not exists btree_gist;
create table rooms (id integer generated always as identity primary key, during tstzrange);
