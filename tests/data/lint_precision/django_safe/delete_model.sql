-- DeleteModel: a real hazard (code still using the table)
-- expect: SM604
SET lock_timeout TO '2s';
DROP TABLE "app_review" CASCADE;
SET lock_timeout TO '0ms';
