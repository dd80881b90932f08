set local lock_timeout = '2s';
alter table rooms add constraint no_overlap exclude using gist (during with &&);
