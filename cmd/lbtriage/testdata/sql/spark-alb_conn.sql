-- lbtriage sql --dialect spark: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The alb_conn rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC).
CREATE TABLE IF NOT EXISTS lbtriage_alb_conn (
  `time` TIMESTAMP,
  `client_ip` STRING,
  `client_port` INT,
  `listener_port` INT,
  `tls_protocol` STRING,
  `tls_cipher` STRING,
  `tls_handshake_latency` DOUBLE,
  `leaf_client_cert_subject` STRING,
  `leaf_client_cert_not_before` TIMESTAMP,
  `leaf_client_cert_not_after` TIMESTAMP,
  `leaf_client_cert_serial_number` STRING,
  `tls_verify_status` STRING,
  `tls_verify_reason` STRING,
  `conn_trace_id` STRING,
  `tls_keyexchange` STRING,
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
LOCATION 's3://BUCKET/PREFIX/alb_conn/';

-- Register the day partitions present, and again after each export of new
-- days.
MSCK REPAIR TABLE lbtriage_alb_conn;

