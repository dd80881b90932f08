-- SM209 add-exclusion-constraint: EXCLUDE constraint on an existing table
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM209 x1
ALTER TABLE "shop_booking" ADD CONSTRAINT "no_overlap" EXCLUDE USING gist ("period" WITH &&);

-- case: the rule's safe example
-- expect: none
CREATE TABLE "shop_booking2" ("id" bigint, "period" tstzrange, CONSTRAINT "no_overlap2" EXCLUDE USING gist ("period" WITH &&));

-- case: an unnamed exclusion constraint
-- expect: SM209 x1
ALTER TABLE "blog_slot" ADD EXCLUDE USING gist ("room" WITH =, "during" WITH &&);

-- case: on a table created in the file
-- expect: none
CREATE TABLE "blog_slot" ("id" bigint, "during" tstzrange);
ALTER TABLE "blog_slot" ADD CONSTRAINT "no_overlap" EXCLUDE USING gist ("during" WITH &&);
