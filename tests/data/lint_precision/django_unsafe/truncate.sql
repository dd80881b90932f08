-- RunSQL TRUNCATE
-- expect: SM605
BEGIN;
TRUNCATE "app_cache";
COMMIT;
