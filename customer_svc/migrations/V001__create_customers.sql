-- Customers and their lifecycle transitions (the audit log is in the common track).
-- Queried and sorted attributes are columns; the rest of the Customer message
-- (postal address, contacts, needs, source, consents) is kept serialized in
-- `details`. Times are UTC.
CREATE TABLE customers (
  id BIGINT NOT NULL AUTO_INCREMENT,
  kind TINYINT NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  web_domain VARCHAR(253) CHARACTER SET ascii NULL,
  tax_id VARCHAR(32) CHARACTER SET ascii NULL,
  parent_id BIGINT NULL,
  email VARCHAR(254) NOT NULL,
  phone VARCHAR(32) CHARACTER SET ascii NOT NULL,
  lifecycle_stage TINYINT NOT NULL,
  stage_enter_time DATETIME(6) NOT NULL,
  tier TINYINT NOT NULL,
  source_kind TINYINT NOT NULL,
  account_manager VARCHAR(64) CHARACTER SET ascii NOT NULL,
  details LONGBLOB NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  -- The organization key is unique among live customers only: NULL (never
  -- equal) once the row is soft-deleted.
  live_web_domain VARCHAR(253) CHARACTER SET ascii
    AS (IF(delete_time IS NULL, web_domain, NULL)) PERSISTENT,
  live_tax_id VARCHAR(32) CHARACTER SET ascii
    AS (IF(delete_time IS NULL, tax_id, NULL)) PERSISTENT,
  PRIMARY KEY (id),
  UNIQUE KEY customers_live_web_domain (live_web_domain),
  UNIQUE KEY customers_live_tax_id (live_tax_id),
  KEY customers_by_create_time (create_time, id),
  KEY customers_by_update_time (update_time, id),
  KEY customers_by_display_name (display_name, id),
  KEY customers_by_parent (parent_id),
  KEY customers_by_stage (lifecycle_stage, id),
  KEY customers_by_account_manager (account_manager, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE lifecycle_transitions (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  from_stage TINYINT NOT NULL,
  to_stage TINYINT NOT NULL,
  transition_time DATETIME(6) NOT NULL,
  actor VARCHAR(128) NOT NULL,
  reason TEXT NOT NULL,
  automatic BOOLEAN NOT NULL,
  PRIMARY KEY (id),
  KEY lifecycle_transitions_by_customer (customer_id, id),
  KEY lifecycle_transitions_by_time (transition_time, id),
  CONSTRAINT lifecycle_transitions_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
