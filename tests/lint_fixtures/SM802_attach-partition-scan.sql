-- SM802 attach-partition-scan: ATTACH PARTITION that may scan the partition
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM802 x1
ALTER TABLE "events" ATTACH PARTITION "events_2024" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- case: the rule's safe example
-- expect: none
CREATE TABLE "events_2025" PARTITION OF "events" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- case: a default partition
-- expect: SM802 x1
ALTER TABLE "blog_log" ATTACH PARTITION "blog_log_other" DEFAULT;

-- case: a partition created in the file
-- expect: none
CREATE TABLE "blog_log_2030" ("id" bigint, "at" date);
ALTER TABLE "blog_log" ATTACH PARTITION "blog_log_2030" FOR VALUES FROM ('2030-01-01') TO ('2031-01-01');
