#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# First start of the PostgreSQL container of deploy/compose.yaml (run by the
# official image from /docker-entrypoint-initdb.d): the application's role,
# not a superuser, and its database. CREATEROLE: the migrations create the
# role the public register pages read as (jawnosc_public).
set -eu
psql -v ON_ERROR_STOP=1 -v pw="$JAWNOSC_DB_PASSWORD" --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE jawnosc LOGIN CREATEROLE PASSWORD :'pw';
CREATE DATABASE jawnosc OWNER jawnosc;
SQL
