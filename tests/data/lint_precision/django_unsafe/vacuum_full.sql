-- RunSQL VACUUM FULL
-- expect: SM701
VACUUM FULL "app_book";
