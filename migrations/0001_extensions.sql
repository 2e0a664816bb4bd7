-- Extensions the later migrations rely on: trigram similarity and accent
-- folding for Polish full-text search of the public register. Both are
-- "trusted" extensions (PostgreSQL 13+), so a database owner may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
