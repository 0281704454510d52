-- The sales pipeline: configurable stages and the opportunities moving through
-- them. Money is minor units + ISO-4217 code; times are UTC.
CREATE TABLE pipeline_stages (
  id BIGINT NOT NULL AUTO_INCREMENT,
  display_name VARCHAR(100) NOT NULL,
  position INT NOT NULL,
  probability_percent TINYINT NOT NULL,
  outcome TINYINT NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  -- Name and position are unique among live stages only.
  live_display_name VARCHAR(100) AS (IF(delete_time IS NULL, display_name, NULL)) PERSISTENT,
  live_position INT AS (IF(delete_time IS NULL, position, NULL)) PERSISTENT,
  PRIMARY KEY (id),
  UNIQUE KEY pipeline_stages_live_display_name (live_display_name),
  UNIQUE KEY pipeline_stages_live_position (live_position),
  KEY pipeline_stages_by_position (position, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE opportunities (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  title VARCHAR(200) NOT NULL,
  description MEDIUMTEXT NOT NULL,
  pipeline_stage_id BIGINT NOT NULL,
  probability_percent TINYINT NOT NULL,
  amount_minor BIGINT NOT NULL,
  currency_code CHAR(3) CHARACTER SET ascii NOT NULL,
  -- amount_minor × probability_percent / 100, rounded half up.
  weighted_amount_minor BIGINT NOT NULL,
  expected_close_date DATE NOT NULL,
  owner VARCHAR(64) CHARACTER SET ascii NOT NULL,
  state TINYINT NOT NULL,
  lost_reason TEXT NOT NULL,
  close_time DATETIME(6) NULL,
  -- JSON array of SKU strings.
  skus TEXT CHARACTER SET ascii NOT NULL,
  partner_deal VARCHAR(128) CHARACTER SET ascii NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY opportunities_by_customer (customer_id, id),
  KEY opportunities_by_stage (pipeline_stage_id, state),
  KEY opportunities_by_create_time (create_time, id),
  KEY opportunities_by_close_date (expected_close_date, id),
  KEY opportunities_by_amount (amount_minor, id),
  KEY opportunities_by_owner (owner, id),
  CONSTRAINT opportunities_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT opportunities_stage FOREIGN KEY (pipeline_stage_id) REFERENCES pipeline_stages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The default pipeline a new company starts with (editable like any stage).
INSERT INTO pipeline_stages
  (display_name, position, probability_percent, outcome, version, create_time, update_time)
VALUES
  ('Qualification', 10, 10, 1, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('Proposal', 20, 40, 1, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('Negotiation', 30, 70, 1, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('Closed Won', 40, 100, 2, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('Closed Lost', 50, 0, 3, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6));
