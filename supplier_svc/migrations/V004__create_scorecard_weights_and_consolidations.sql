-- Scorecard weights (a singleton, ScorecardService) and executed supplier
-- consolidations (ConsolidationService). Times are UTC; money is integer
-- minor units + ISO 4217 currency.

-- The one row (id = 1) of ScorecardWeights: the four dimension weights in
-- percent (summing to 100) and the recommendation thresholds (descending).
CREATE TABLE scorecard_weights (
  id TINYINT NOT NULL,
  quality_weight_percent INT NOT NULL,
  cost_weight_percent INT NOT NULL,
  delivery_weight_percent INT NOT NULL,
  service_weight_percent INT NOT NULL,
  expand_min_score INT NOT NULL,
  maintain_min_score INT NOT NULL,
  probation_min_score INT NOT NULL,
  version BIGINT NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT scorecard_weights_singleton CHECK (id = 1),
  CONSTRAINT scorecard_weights_sum CHECK (quality_weight_percent + cost_weight_percent +
    delivery_weight_percent + service_weight_percent = 100),
  CONSTRAINT scorecard_weights_thresholds_descend CHECK (
    expand_min_score > maintain_min_score AND maintain_min_score > probation_min_score)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Defaults (scorecard_rules.h documents them): quality 30, cost 25, delivery 30,
-- service 15; EXPAND from 80, MAINTAIN from 60, PROBATION from 40, below: REPLACE.
INSERT INTO scorecard_weights VALUES (1, 30, 25, 30, 15, 80, 60, 40, 1, '2024-01-01 00:00:00');

-- One executed consolidation. The Consolidation message (keepers, retired
-- suppliers, item mappings) is kept serialized in `details`; the columns are
-- what lists filter and sort on.
CREATE TABLE consolidations (
  id BIGINT NOT NULL AUTO_INCREMENT,
  category TINYINT NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  actor VARCHAR(128) NOT NULL,
  suppliers_before_count INT NOT NULL,
  suppliers_after_count INT NOT NULL,
  moved_purchase_order_count BIGINT NOT NULL,
  moved_contract_count BIGINT NOT NULL,
  moved_offering_count BIGINT NOT NULL,
  savings_minor BIGINT NOT NULL,
  savings_currency CHAR(3) CHARACTER SET ascii NOT NULL,
  details LONGBLOB NOT NULL,
  execute_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY consolidations_by_category (category, id),
  KEY consolidations_by_execute_time (execute_time, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The suppliers of a consolidation: role 1 = kept, 2 = retired (with the
-- keeper its contracts and unmapped orders went to).
CREATE TABLE consolidation_suppliers (
  consolidation_id BIGINT NOT NULL,
  supplier_id BIGINT NOT NULL,
  role TINYINT NOT NULL,
  consolidated_into_id BIGINT NULL,
  PRIMARY KEY (consolidation_id, supplier_id),
  KEY consolidation_suppliers_by_supplier (supplier_id, role, consolidation_id),
  CONSTRAINT consolidation_suppliers_consolidation FOREIGN KEY (consolidation_id)
    REFERENCES consolidations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where each retiring offering (and the order lines of its item) went; the
-- execution's UPDATE ... JOIN statements read this table.
CREATE TABLE consolidation_item_mappings (
  consolidation_id BIGINT NOT NULL,
  from_offering_id BIGINT NOT NULL,
  from_supplier_id BIGINT NOT NULL,
  item VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  to_supplier_id BIGINT NOT NULL,
  to_offering_id BIGINT NOT NULL,
  from_unit_price_minor BIGINT NOT NULL,
  to_unit_price_minor BIGINT NOT NULL,
  annual_quantity BIGINT NOT NULL,
  sole_source BOOLEAN NOT NULL,
  PRIMARY KEY (consolidation_id, from_offering_id),
  KEY consolidation_item_mappings_by_item (consolidation_id, from_supplier_id, item, currency),
  CONSTRAINT consolidation_item_mappings_consolidation FOREIGN KEY (consolidation_id)
    REFERENCES consolidations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The open purchase orders a consolidation moved: from which retired supplier
-- to which keeper (the keeper of the order's first mapped line, else the
-- retired supplier's consolidated_into).
CREATE TABLE consolidation_purchase_orders (
  consolidation_id BIGINT NOT NULL,
  purchase_order_id BIGINT NOT NULL,
  from_supplier_id BIGINT NOT NULL,
  to_supplier_id BIGINT NOT NULL,
  PRIMARY KEY (consolidation_id, purchase_order_id),
  KEY consolidation_purchase_orders_by_order (purchase_order_id),
  CONSTRAINT consolidation_purchase_orders_consolidation FOREIGN KEY (consolidation_id)
    REFERENCES consolidations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
