-- Win-back campaigns and their per-customer attempts. RFM scores, health
-- scores, recommendations and sales plans are not stored: InsightService
-- computes them from purchases, interactions, service cases and feedback on
-- every call. Times are UTC.
--
-- A campaign keeps the fields nobody queries (description, offer,
-- target_stages, target_filter) serialized in `details`; state, dates and
-- display name are columns for filtering and sorting.
CREATE TABLE win_back_campaigns (
  id BIGINT NOT NULL AUTO_INCREMENT,
  display_name VARCHAR(200) NOT NULL,
  state TINYINT NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE NOT NULL,
  details LONGBLOB NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY win_back_campaigns_by_create_time (create_time, id),
  KEY win_back_campaigns_by_start_date (start_date, id),
  KEY win_back_campaigns_by_state (state, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One customer targeted by a campaign; at most one attempt per customer and
-- campaign.
CREATE TABLE win_back_attempts (
  id BIGINT NOT NULL AUTO_INCREMENT,
  campaign_id BIGINT NOT NULL,
  customer_id BIGINT NOT NULL,
  state TINYINT NOT NULL,
  assignee VARCHAR(64) CHARACTER SET ascii NOT NULL,
  last_contact_time DATETIME(6) NULL,
  note TEXT NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY win_back_attempts_campaign_customer (campaign_id, customer_id),
  KEY win_back_attempts_by_create_time (campaign_id, create_time, id),
  KEY win_back_attempts_by_customer (customer_id),
  CONSTRAINT win_back_attempts_campaign FOREIGN KEY (campaign_id)
    REFERENCES win_back_campaigns (id),
  CONSTRAINT win_back_attempts_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
