-- lbtriage sql --dialect athena: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1). Replace s3://BUCKET/PREFIX with the lake's root.

-- The cloudfront rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC). Partition projection finds the days: no MSCK REPAIR; narrow
-- projection.day.range to your data.
CREATE EXTERNAL TABLE IF NOT EXISTS lbtriage_cloudfront (
  `time` timestamp,
  `x_edge_location` string,
  `sc_bytes` bigint,
  `c_ip` string,
  `cs_method` string,
  `cs_host` string,
  `cs_uri_stem` string,
  `sc_status` int,
  `cs_referer` string,
  `cs_user_agent` string,
  `cs_uri_query` string,
  `cs_cookie` string,
  `x_edge_result_type` string,
  `x_edge_request_id` string,
  `x_host_header` string,
  `cs_protocol` string,
  `cs_bytes` bigint,
  `time_taken` double,
  `x_forwarded_for` string,
  `ssl_protocol` string,
  `ssl_cipher` string,
  `x_edge_response_result_type` string,
  `cs_protocol_version` string,
  `fle_status` string,
  `fle_encrypted_fields` int,
  `c_port` int,
  `time_to_first_byte` double,
  `x_edge_detailed_result_type` string,
  `sc_content_type` string,
  `sc_content_len` bigint,
  `sc_range_start` bigint,
  `sc_range_end` bigint,
  `distribution_tenant_id` string,
  `connection_id` string,
  `origin_fbl` double,
  `origin_lbl` double,
  `asn` string,
  `c_country` string,
  `cache_behavior_path_pattern` string,
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
LOCATION 's3://BUCKET/PREFIX/cloudfront/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.day.type' = 'date',
  'projection.day.format' = 'yyyy-MM-dd',
  'projection.day.range' = '2020-01-01,NOW',
  'projection.day.interval' = '1',
  'projection.day.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://BUCKET/PREFIX/cloudfront/day=${day}/'
);

