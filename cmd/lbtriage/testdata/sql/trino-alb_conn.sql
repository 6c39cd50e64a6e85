-- lbtriage sql --dialect trino: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The alb_conn rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC). In a Hive connector catalog and schema (USE hive.logs).
CREATE TABLE IF NOT EXISTS lbtriage_alb_conn (
  "time" timestamp,
  "client_ip" varchar,
  "client_port" integer,
  "listener_port" integer,
  "tls_protocol" varchar,
  "tls_cipher" varchar,
  "tls_handshake_latency" double,
  "leaf_client_cert_subject" varchar,
  "leaf_client_cert_not_before" timestamp,
  "leaf_client_cert_not_after" timestamp,
  "leaf_client_cert_serial_number" varchar,
  "tls_verify_status" varchar,
  "tls_verify_reason" varchar,
  "conn_trace_id" varchar,
  "tls_keyexchange" varchar,
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
  external_location = 's3://BUCKET/PREFIX/alb_conn/',
  partitioned_by = ARRAY['day']
);

-- Register the day partitions present, and again after each export of new
-- days; name the table's schema.
CALL system.sync_partition_metadata(schema_name => 'default', table_name => 'lbtriage_alb_conn', mode => 'FULL');

