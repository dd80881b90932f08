-- SM211 alter-domain-add-constraint: Domain constraint added without NOT VALID
-- Each case runs alone; `expect` counts this rule's findings (none: 0).

-- case: the rule's unsafe example
-- expect: SM211 x1
ALTER DOMAIN "posint" ADD CONSTRAINT "posint_max" CHECK (VALUE < 1000000);

-- case: the rule's safe example
-- expect: none
ALTER DOMAIN "posint" ADD CONSTRAINT "posint_max" CHECK (VALUE < 1000000) NOT VALID;

-- case: an unnamed domain CHECK
-- expect: SM211 x1
ALTER DOMAIN "rating" ADD CHECK (VALUE BETWEEN 1 AND 5);

-- case: validating the domain constraint later
-- expect: none
ALTER DOMAIN "rating" VALIDATE CONSTRAINT "rating_range";
