-- lbtriage sql --dialect trino: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The alb_health rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC). In a Hive connector catalog and schema (USE hive.logs).
CREATE TABLE IF NOT EXISTS lbtriage_alb_health (
  "type" varchar,
  "time" timestamp,
  "latency" double,
  "target_ip" varchar,
  "target_port" integer,
  "lambda_arn" varchar,
  "target_group" varchar,
  "status" varchar,
  "status_code" integer,
  "reason_code" varchar,
  "elb" varchar,
  "node_ip" varchar,
  "cause" varchar,
  "domain" varchar,
  "duration" double,
  "subnet" varchar,
  "resource" varchar,
  "account_id" varchar,
  "region" varchar,
  "day" varchar
)
WITH (
  format = 'PARQUET',
  external_location = 's3://BUCKET/PREFIX/alb_health/',
  partitioned_by = ARRAY['day']
);

-- Register the day partitions present, and again after each export of new
-- days; name the table's schema.
CALL system.sync_partition_metadata(schema_name => 'default', table_name => 'lbtriage_alb_health', mode => 'FULL');

