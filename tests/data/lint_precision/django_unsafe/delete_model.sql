-- DeleteModel
-- expect: SM604
BEGIN;
DROP TABLE "app_review" CASCADE;
COMMIT;
