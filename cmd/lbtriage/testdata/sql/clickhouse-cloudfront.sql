-- lbtriage sql --dialect clickhouse: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1). Replace s3://BUCKET/PREFIX with the lake's root.

-- Read day=YYYY-MM-DD folders as the column day.
SET use_hive_partitioning = 1;

-- The cloudfront rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC).
CREATE OR REPLACE VIEW lbtriage_cloudfront AS
SELECT * FROM s3('s3://BUCKET/PREFIX/cloudfront/day=*/*.parquet', 'Parquet');

