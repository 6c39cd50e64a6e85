-- lbtriage sql --dialect athena: the tables of the Parquet lake that
-- lbtriage export writes (schema version 1), then the report's queries. Replace s3://BUCKET/PREFIX with the lake's root.

-- The alb_conn rows of the lake at s3://BUCKET/PREFIX, partitioned by day
-- (UTC). Partition projection finds the days: no MSCK REPAIR; narrow
-- projection.day.range to your data.
CREATE EXTERNAL TABLE IF NOT EXISTS lbtriage_alb_conn (
  `time` timestamp,
  `client_ip` string,
  `client_port` int,
  `listener_port` int,
  `tls_protocol` string,
  `tls_cipher` string,
  `tls_handshake_latency` double,
  `leaf_client_cert_subject` string,
  `leaf_client_cert_not_before` timestamp,
  `leaf_client_cert_not_after` timestamp,
  `leaf_client_cert_serial_number` string,
  `tls_verify_status` string,
  `tls_verify_reason` string,
  `conn_trace_id` string,
  `tls_keyexchange` string,
  `elb` string,
  `node_ip` string,
  `cause` string,
  `domain` string,
  `duration` double,
  `subnet` string,
  `resource` string,
  `account_id` string,
  `region` string
)
PARTITIONED BY (`day` string)
STORED AS PARQUET
LOCATION 's3://BUCKET/PREFIX/alb_conn/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.day.type' = 'date',
  'projection.day.format' = 'yyyy-MM-dd',
  'projection.day.range' = '2020-01-01,NOW',
  'projection.day.interval' = '1',
  'projection.day.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://BUCKET/PREFIX/alb_conn/day=${day}/'
);

