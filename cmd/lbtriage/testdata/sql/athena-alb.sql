-- lbtriage sql --dialect athena: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1). Replace s3://BUCKET/PREFIX with the lake's root.

-- The alb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC).
-- Partition projection finds the days: no MSCK REPAIR; narrow
-- projection.day.range to your data.
CREATE EXTERNAL TABLE IF NOT EXISTS lbtriage_alb (
  `type` string,
  `time` timestamp,
  `elb` string,
  `client_ip` string,
  `client_port` int,
  `target_ip` string,
  `target_port` int,
  `request_processing_time` double,
  `target_processing_time` double,
  `response_processing_time` double,
  `elb_status_code` int,
  `target_status_code` int,
  `received_bytes` bigint,
  `sent_bytes` bigint,
  `request_method` string,
  `request_url` string,
  `request_proto` string,
  `user_agent` string,
  `ssl_cipher` string,
  `ssl_protocol` string,
  `target_group_arn` string,
  `trace_id` string,
  `domain_name` string,
  `chosen_cert_arn` string,
  `matched_rule_priority` int,
  `request_creation_time` timestamp,
  `actions_executed` string,
  `redirect_url` string,
  `error_reason` string,
  `target_port_list` string,
  `target_status_code_list` string,
  `classification` string,
  `classification_reason` string,
  `conn_trace_id` string,
  `transformed_host` string,
  `transformed_uri` string,
  `request_transform_status` string,
  `cause` string,
  `domain` string,
  `duration` double,
  `subnet` string,
  `resource` string,
  `node_ip` string,
  `account_id` string,
  `region` string
)
PARTITIONED BY (`day` string)
STORED AS PARQUET
LOCATION 's3://BUCKET/PREFIX/alb/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.day.type' = 'date',
  'projection.day.format' = 'yyyy-MM-dd',
  'projection.day.range' = '2020-01-01,NOW',
  'projection.day.interval' = '1',
  'projection.day.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://BUCKET/PREFIX/alb/day=${day}/'
);

