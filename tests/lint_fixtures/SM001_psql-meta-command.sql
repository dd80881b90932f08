-- SM001 psql-meta-command: psql meta-command skipped
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM001 x1
\set ON_ERROR_STOP on
SELECT 1;

-- case: the rule's safe example
-- expect: none
SELECT 1;

-- case: two meta-commands
-- expect: SM001 x2
\timing on
\set ON_ERROR_STOP on
SELECT 1;

-- case: a backslash inside a string literal
-- expect: none
SELECT '\set x 1';
