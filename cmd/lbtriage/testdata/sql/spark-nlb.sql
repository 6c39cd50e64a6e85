-- lbtriage sql --dialect spark: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The nlb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC).
CREATE TABLE IF NOT EXISTS lbtriage_nlb (
  `type` STRING,
  `version` STRING,
  `time` TIMESTAMP,
  `elb` STRING,
  `listener` STRING,
  `client_ip` STRING,
  `client_port` INT,
  `destination_ip` STRING,
  `destination_port` INT,
  `connection_time` DOUBLE,
  `tls_handshake_time` DOUBLE,
  `received_bytes` BIGINT,
  `sent_bytes` BIGINT,
  `incoming_tls_alert` INT,
  `chosen_cert_arn` STRING,
  `chosen_cert_serial` STRING,
  `tls_cipher` STRING,
  `tls_protocol_version` STRING,
  `tls_keyexchange` STRING,
  `domain_name` STRING,
  `alpn_fe_protocol` STRING,
  `alpn_be_protocol` STRING,
  `alpn_client_preference_list` STRING,
  `tls_connection_creation_time` TIMESTAMP,
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
LOCATION 's3://BUCKET/PREFIX/nlb/';

-- Register the day partitions present, and again after each export of new
-- days.
MSCK REPAIR TABLE lbtriage_nlb;

