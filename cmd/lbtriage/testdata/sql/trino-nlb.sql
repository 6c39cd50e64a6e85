-- lbtriage sql --dialect trino: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The nlb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC). In
-- a Hive connector catalog and schema (USE hive.logs).
CREATE TABLE IF NOT EXISTS lbtriage_nlb (
  "type" varchar,
  "version" varchar,
  "time" timestamp,
  "elb" varchar,
  "listener" varchar,
  "client_ip" varchar,
  "client_port" integer,
  "destination_ip" varchar,
  "destination_port" integer,
  "connection_time" double,
  "tls_handshake_time" double,
  "received_bytes" bigint,
  "sent_bytes" bigint,
  "incoming_tls_alert" integer,
  "chosen_cert_arn" varchar,
  "chosen_cert_serial" varchar,
  "tls_cipher" varchar,
  "tls_protocol_version" varchar,
  "tls_keyexchange" varchar,
  "domain_name" varchar,
  "alpn_fe_protocol" varchar,
  "alpn_be_protocol" varchar,
  "alpn_client_preference_list" varchar,
  "tls_connection_creation_time" timestamp,
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
  external_location = 's3://BUCKET/PREFIX/nlb/',
  partitioned_by = ARRAY['day']
);

-- Register the day partitions present, and again after each export of new
-- days; name the table's schema.
CALL system.sync_partition_metadata(schema_name => 'default', table_name => 'lbtriage_nlb', mode => 'FULL');

