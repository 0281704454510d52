-- Purchases (with the supplier that sourced them), the loyalty points ledger,
-- referrals and NPS/CSAT feedback. Child rows reference customers(id) through
-- a column named customer_id. Times are UTC; money is BIGINT minor units plus
-- an ISO-4217 code.

-- What a customer bought. `state` holds crm.customer.v1.PurchaseStatus
-- (1 OPEN, 2 FULFILLED, 3 CANCELLED, 4 RETURNED). amount_minor = unit_price_minor
-- × quantity, both in `currency`. supplier_id is the id of "suppliers/{id}" in
-- supplier_svc (a reference, not a foreign key); original_supplier_id is the
-- supplier at purchase time once a consolidation re-pointed the purchase.
CREATE TABLE purchases (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  order_reference VARCHAR(100) NOT NULL,
  sku VARCHAR(64) NOT NULL,
  description VARCHAR(1000) NOT NULL,
  quantity BIGINT NOT NULL,
  unit_price_minor BIGINT NOT NULL,
  amount_minor BIGINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  price_rule_kind TINYINT NOT NULL,
  price_rule VARCHAR(255) CHARACTER SET ascii NOT NULL,
  price_rule_description VARCHAR(500) NOT NULL,
  purchase_time DATETIME(6) NOT NULL,
  state TINYINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  original_supplier_id BIGINT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY purchases_by_customer_time (customer_id, purchase_time, id),
  KEY purchases_by_customer_amount (customer_id, amount_minor, id),
  KEY purchases_by_time (purchase_time, id),
  KEY purchases_by_amount (amount_minor, id),
  KEY purchases_by_sku (sku, customer_id),
  KEY purchases_by_supplier (supplier_id, state, customer_id),
  CONSTRAINT purchases_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Re-pointing runs of ReplacePurchaseSupplier: which purchases each run moved,
-- so the result can be explained later (the request_id replay itself is kept
-- by idempotency_records).
CREATE TABLE purchase_supplier_replacements (
  id BIGINT NOT NULL AUTO_INCREMENT,
  from_supplier_id BIGINT NOT NULL,
  to_supplier_id BIGINT NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  reference VARCHAR(255) NOT NULL,
  repointed_purchase_count BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY purchase_supplier_replacements_by_from (from_supplier_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The loyalty points ledger: append-only. `kind` holds LoyaltyTransactionKind
-- (1 EARN, 2 REDEEM); points are positive for EARN, negative for REDEEM. A
-- customer's balance is SUM(points) over its rows; bookings lock the customers
-- row first, so balance_after_points is exact and never negative.
CREATE TABLE loyalty_transactions (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  points BIGINT NOT NULL,
  balance_after_points BIGINT NOT NULL,
  reason VARCHAR(200) NOT NULL,
  reference VARCHAR(255) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY loyalty_transactions_by_customer (customer_id, id),
  KEY loyalty_transactions_by_time (create_time, id),
  CONSTRAINT loyalty_transactions_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- "Customer A referred B": customer_id is the referrer (A), referred_customer_id
-- the referred customer (B) once known. `state` holds ReferralState (1 PENDING,
-- 2 QUALIFIED, 3 REWARDED, 4 DECLINED). A customer can be referred only once.
CREATE TABLE referrals (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  referred_customer_id BIGINT NULL,
  referee_display_name VARCHAR(200) NOT NULL,
  referee_email VARCHAR(254) NOT NULL,
  state TINYINT NOT NULL,
  reward_points BIGINT NOT NULL,
  reward_transaction_id BIGINT NULL,
  decline_reason TEXT NOT NULL,
  qualify_time DATETIME(6) NULL,
  reward_time DATETIME(6) NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY referrals_referred_customer (referred_customer_id),
  KEY referrals_by_customer_time (customer_id, create_time, id),
  KEY referrals_by_customer_state (customer_id, state, id),
  KEY referrals_by_time (create_time, id),
  KEY referrals_by_state (state, id),
  CONSTRAINT referrals_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT referrals_referred_customer_fk FOREIGN KEY (referred_customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- NPS and CSAT responses; immutable. `kind` holds FeedbackKind (1 NPS, 2 CSAT),
-- nps_category NpsCategory (0 for CSAT, 1 PROMOTER, 2 PASSIVE, 3 DETRACTOR).
CREATE TABLE feedback (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  score INT NOT NULL,
  comment TEXT NOT NULL,
  nps_category TINYINT NOT NULL,
  subject VARCHAR(255) CHARACTER SET ascii NOT NULL,
  respond_time DATETIME(6) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY feedback_by_customer_time (customer_id, respond_time, id),
  KEY feedback_by_customer_score (customer_id, score, id),
  KEY feedback_by_time (respond_time, id),
  KEY feedback_by_score (score, id),
  KEY feedback_by_kind_time (kind, respond_time),
  CONSTRAINT feedback_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
