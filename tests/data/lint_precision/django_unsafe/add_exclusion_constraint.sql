-- AddConstraint(ExclusionConstraint)
-- expect: SM209
BEGIN;
ALTER TABLE "app_room" ADD CONSTRAINT "no_overlap" EXCLUDE USING gist ("during" WITH &&);
COMMIT;
