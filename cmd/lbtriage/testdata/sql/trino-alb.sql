-- lbtriage sql --dialect trino: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1). Replace s3://BUCKET/PREFIX with the lake's root.

-- The alb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC). In
-- a Hive connector catalog and schema (USE hive.logs).
CREATE TABLE IF NOT EXISTS lbtriage_alb (
  "type" varchar,
  "time" timestamp,
  "elb" varchar,
  "client_ip" varchar,
  "client_port" integer,
  "target_ip" varchar,
  "target_port" integer,
  "request_processing_time" double,
  "target_processing_time" double,
  "response_processing_time" double,
  "elb_status_code" integer,
  "target_status_code" integer,
  "received_bytes" bigint,
  "sent_bytes" bigint,
  "request_method" varchar,
  "request_url" varchar,
  "request_proto" varchar,
  "user_agent" varchar,
  "ssl_cipher" varchar,
  "ssl_protocol" varchar,
  "target_group_arn" varchar,
  "trace_id" varchar,
  "domain_name" varchar,
  "chosen_cert_arn" varchar,
  "matched_rule_priority" integer,
  "request_creation_time" timestamp,
  "actions_executed" varchar,
  "redirect_url" varchar,
  "error_reason" varchar,
  "target_port_list" varchar,
  "target_status_code_list" varchar,
  "classification" varchar,
  "classification_reason" varchar,
  "conn_trace_id" varchar,
  "transformed_host" varchar,
  "transformed_uri" varchar,
  "request_transform_status" varchar,
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
  external_location = 's3://BUCKET/PREFIX/alb/',
  partitioned_by = ARRAY['day']
);

-- Register the day partitions present, and again after each export of new
-- days; name the table's schema.
CALL system.sync_partition_metadata(schema_name => 'default', table_name => 'lbtriage_alb', mode => 'FULL');

