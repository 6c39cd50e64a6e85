-- lbtriage sql --dialect spark: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The alb_health rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC).
CREATE TABLE IF NOT EXISTS lbtriage_alb_health (
  `type` STRING,
  `time` TIMESTAMP,
  `latency` DOUBLE,
  `target_ip` STRING,
  `target_port` INT,
  `lambda_arn` STRING,
  `target_group` STRING,
  `status` STRING,
  `status_code` INT,
  `reason_code` STRING,
  `elb` STRING,
  `node_ip` STRING,
  `cause` STRING,
  `domain` STRING,
  `duration` DOUBLE,
  `subnet` STRING,
  `resource` STRING,
  `account_id` STRING,
  `region` STRING,
  `day` STRING
)
USING parquet
PARTITIONED BY (`day`)
LOCATION 's3://BUCKET/PREFIX/alb_health/';

-- Register the day partitions present, and again after each export of new
-- days.
MSCK REPAIR TABLE lbtriage_alb_health;

