"""The only place with SQL: one module of queries per group of tables."""
