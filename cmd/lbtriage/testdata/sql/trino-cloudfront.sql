-- lbtriage sql --dialect trino: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1). Replace s3://BUCKET/PREFIX with the lake's root.

-- The cloudfront rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC). In a Hive connector catalog and schema (USE hive.logs).
CREATE TABLE IF NOT EXISTS lbtriage_cloudfront (
  "time" timestamp,
  "x_edge_location" varchar,
  "sc_bytes" bigint,
  "c_ip" varchar,
  "cs_method" varchar,
  "cs_host" varchar,
  "cs_uri_stem" varchar,
  "sc_status" integer,
  "cs_referer" varchar,
  "cs_user_agent" varchar,
  "cs_uri_query" varchar,
  "cs_cookie" varchar,
  "x_edge_result_type" varchar,
  "x_edge_request_id" varchar,
  "x_host_header" varchar,
  "cs_protocol" varchar,
  "cs_bytes" bigint,
  "time_taken" double,
  "x_forwarded_for" varchar,
  "ssl_protocol" varchar,
  "ssl_cipher" varchar,
  "x_edge_response_result_type" varchar,
  "cs_protocol_version" varchar,
  "fle_status" varchar,
  "fle_encrypted_fields" integer,
  "c_port" integer,
  "time_to_first_byte" double,
  "x_edge_detailed_result_type" varchar,
  "sc_content_type" varchar,
  "sc_content_len" bigint,
  "sc_range_start" bigint,
  "sc_range_end" bigint,
  "distribution_tenant_id" varchar,
  "connection_id" varchar,
  "origin_fbl" double,
  "origin_lbl" double,
  "asn" varchar,
  "c_country" varchar,
  "cache_behavior_path_pattern" varchar,
  "cause" varchar,
  "domain" varchar,
  "duration" double,
  "subnet" varchar,
  "resource" varchar,
  "node_ip" varchar,
  "account_id" varchar,
  "region" varchar,
  "day" varchar
)
WITH (
  format = 'PARQUET',
  external_location = 's3://BUCKET/PREFIX/cloudfront/',
  partitioned_by = ARRAY['day']
);

-- Register the day partitions present, and again after each export of new
-- days; name the table's schema.
CALL system.sync_partition_metadata(schema_name => 'default', table_name => 'lbtriage_cloudfront', mode => 'FULL');

