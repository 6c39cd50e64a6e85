-- lbtriage sql --dialect athena: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The nlb rows of the lake at s3://BUCKET/PREFIX, partitioned by day (UTC).
-- Partition projection finds the days: no MSCK REPAIR; narrow
-- projection.day.range to your data.
CREATE EXTERNAL TABLE IF NOT EXISTS lbtriage_nlb (
  `type` string,
  `version` string,
  `time` timestamp,
  `elb` string,
  `listener` string,
  `client_ip` string,
  `client_port` int,
  `destination_ip` string,
  `destination_port` int,
  `connection_time` double,
  `tls_handshake_time` double,
  `received_bytes` bigint,
  `sent_bytes` bigint,
  `incoming_tls_alert` int,
  `chosen_cert_arn` string,
  `chosen_cert_serial` string,
  `tls_cipher` string,
  `tls_protocol_version` string,
  `tls_keyexchange` string,
  `domain_name` string,
  `alpn_fe_protocol` string,
  `alpn_be_protocol` string,
  `alpn_client_preference_list` string,
  `tls_connection_creation_time` timestamp,
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
LOCATION 's3://BUCKET/PREFIX/nlb/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.day.type' = 'date',
  'projection.day.format' = 'yyyy-MM-dd',
  'projection.day.range' = '2020-01-01,NOW',
  'projection.day.interval' = '1',
  'projection.day.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://BUCKET/PREFIX/nlb/day=${day}/'
);

