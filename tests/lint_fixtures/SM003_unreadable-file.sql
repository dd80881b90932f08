-- SM003 unreadable-file: SQL file that cannot be read
-- Each case is written to a file in its encoding and linted with `safemigrations lint`.

-- case: a Latin-1 file
-- expect: SM003 x1
-- encoding: latin-1
SELECT 'café';

-- case: a Windows-1252 file
-- expect: SM003 x1
-- encoding: cp1252
SELECT '€ price';

-- case: the same text saved as UTF-8
-- expect: none
-- encoding: utf-8
SELECT 'café';

-- case: a Latin-1 file holding only ASCII is valid UTF-8
-- expect: none
-- encoding: latin-1
SELECT 'cafe';
