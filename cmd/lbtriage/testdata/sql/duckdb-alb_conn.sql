-- lbtriage sql --dialect duckdb: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- Read s3:// with the AWS SDK's credential chain (DuckDB loads the httpfs and
-- aws extensions).
CREATE OR REPLACE SECRET lbtriage_s3 (TYPE s3, PROVIDER credential_chain);

-- The alb_conn rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC).
CREATE OR REPLACE VIEW lbtriage_alb_conn AS
SELECT * FROM read_parquet('s3://BUCKET/PREFIX/alb_conn/day=*/*.parquet', hive_partitioning = true, union_by_name = true);

