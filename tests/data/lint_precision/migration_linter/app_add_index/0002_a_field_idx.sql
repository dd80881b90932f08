-- expect: SM101
BEGIN;
CREATE INDEX "app_add_index_a_field_1a2b3c" ON "app_add_index_a" ("field");
COMMIT;
