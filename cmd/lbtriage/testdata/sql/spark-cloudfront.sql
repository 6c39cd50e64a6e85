-- lbtriage sql --dialect spark: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1). Replace s3://BUCKET/PREFIX with the lake's root.

-- The cloudfront rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC).
CREATE TABLE IF NOT EXISTS lbtriage_cloudfront (
  `time` TIMESTAMP,
  `x_edge_location` STRING,
  `sc_bytes` BIGINT,
  `c_ip` STRING,
  `cs_method` STRING,
  `cs_host` STRING,
  `cs_uri_stem` STRING,
  `sc_status` INT,
  `cs_referer` STRING,
  `cs_user_agent` STRING,
  `cs_uri_query` STRING,
  `cs_cookie` STRING,
  `x_edge_result_type` STRING,
  `x_edge_request_id` STRING,
  `x_host_header` STRING,
  `cs_protocol` STRING,
  `cs_bytes` BIGINT,
  `time_taken` DOUBLE,
  `x_forwarded_for` STRING,
  `ssl_protocol` STRING,
  `ssl_cipher` STRING,
  `x_edge_response_result_type` STRING,
  `cs_protocol_version` STRING,
  `fle_status` STRING,
  `fle_encrypted_fields` INT,
  `c_port` INT,
  `time_to_first_byte` DOUBLE,
  `x_edge_detailed_result_type` STRING,
  `sc_content_type` STRING,
  `sc_content_len` BIGINT,
  `sc_range_start` BIGINT,
  `sc_range_end` BIGINT,
  `distribution_tenant_id` STRING,
  `connection_id` STRING,
  `origin_fbl` DOUBLE,
  `origin_lbl` DOUBLE,
  `asn` STRING,
  `c_country` STRING,
  `cache_behavior_path_pattern` STRING,
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
LOCATION 's3://BUCKET/PREFIX/cloudfront/';

-- Register the day partitions present, and again after each export of new
-- days.
MSCK REPAIR TABLE lbtriage_cloudfront;

