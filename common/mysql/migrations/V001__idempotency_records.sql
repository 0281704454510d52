-- One row per (method, request_id) a client sent: the fingerprint of the request
-- (sha256 hex) and the serialized response returned the first time, so a replay
-- returns the same response and creates nothing new.
CREATE TABLE idempotency_records (
  method VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  request_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  request_fingerprint CHAR(64) CHARACTER SET ascii NOT NULL,
  response LONGBLOB NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (method, request_id)
) ENGINE=InnoDB;
