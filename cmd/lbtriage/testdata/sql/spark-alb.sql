-- lbtriage sql --dialect spark: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1). Replace s3://BUCKET/PREFIX with the lake's root.

-- The alb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC).
CREATE TABLE IF NOT EXISTS lbtriage_alb (
  `type` STRING,
  `time` TIMESTAMP,
  `elb` STRING,
  `client_ip` STRING,
  `client_port` INT,
  `target_ip` STRING,
  `target_port` INT,
  `request_processing_time` DOUBLE,
  `target_processing_time` DOUBLE,
  `response_processing_time` DOUBLE,
  `elb_status_code` INT,
  `target_status_code` INT,
  `received_bytes` BIGINT,
  `sent_bytes` BIGINT,
  `request_method` STRING,
  `request_url` STRING,
  `request_proto` STRING,
  `user_agent` STRING,
  `ssl_cipher` STRING,
  `ssl_protocol` STRING,
  `target_group_arn` STRING,
  `trace_id` STRING,
  `domain_name` STRING,
  `chosen_cert_arn` STRING,
  `matched_rule_priority` INT,
  `request_creation_time` TIMESTAMP,
  `actions_executed` STRING,
  `redirect_url` STRING,
  `error_reason` STRING,
  `target_port_list` STRING,
  `target_status_code_list` STRING,
  `classification` STRING,
  `classification_reason` STRING,
  `conn_trace_id` STRING,
  `transformed_host` STRING,
  `transformed_uri` STRING,
  `request_transform_status` STRING,
  `cause` STRING,
  `domain` STRING,
  `duration` DOUBLE,
  `subnet` STRING,
  `resource` STRING,
  `node_ip` STRING,
  `account_id` STRING,
  `region` STRING,
  `day` STRING
)
USING parquet
PARTITIONED BY (`day`)
LOCATION 's3://BUCKET/PREFIX/alb/';

-- Register the day partitions present, and again after each export of new
-- days.
MSCK REPAIR TABLE lbtriage_alb;

