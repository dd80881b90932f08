-- SM801 detach-partition-non-concurrently: DETACH PARTITION without CONCURRENTLY
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM801 x1
ALTER TABLE "events" DETACH PARTITION "events_2020";

-- case: the rule's safe example
-- expect: none
ALTER TABLE "events" DETACH PARTITION "events_2020" CONCURRENTLY;

-- case: another partition
-- expect: SM801 x1
ALTER TABLE "blog_log" DETACH PARTITION "blog_log_2021";

-- case: FINALIZE of an interrupted concurrent detach
-- expect: none
ALTER TABLE "blog_log" DETACH PARTITION "blog_log_2021" FINALIZE;
