-- lbtriage sql --dialect clickhouse: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- Read day=YYYY-MM-DD folders as the column day.
SET use_hive_partitioning = 1;

-- The alb_conn rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC).
CREATE OR REPLACE VIEW lbtriage_alb_conn AS
SELECT * FROM s3('s3://BUCKET/PREFIX/alb_conn/day=*/*.parquet', 'Parquet');

