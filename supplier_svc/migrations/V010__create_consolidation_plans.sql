-- Consolidation plans are stored server-side: a plan's item mappings can
-- number tens of thousands, too many to send back and forth in one message.
-- PlanConsolidation writes a plan and its mappings; ExecuteConsolidation names
-- the plan and copies its mappings into consolidation_item_mappings with one
-- INSERT ... SELECT. Plans are deleted after expire_time.

-- One plan. The ConsolidationPlan message (rankings, keepers, retiring
-- suppliers, counts, fingerprint) is kept serialized in `details`, without its
-- mappings.
CREATE TABLE consolidation_plans (
  id BIGINT NOT NULL AUTO_INCREMENT,
  category TINYINT NOT NULL,
  actor VARCHAR(128) NOT NULL,
  details LONGBLOB NOT NULL,
  plan_time DATETIME(6) NOT NULL,
  expire_time DATETIME(6) NOT NULL,
  -- The consolidation that executed the plan (no foreign key: the record
  -- outlives the plan).
  consolidation_id BIGINT NULL,
  PRIMARY KEY (id),
  KEY consolidation_plans_by_expire_time (expire_time, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Where each retiring offering of a plan goes (the columns of
-- consolidation_item_mappings).
CREATE TABLE consolidation_plan_item_mappings (
  plan_id BIGINT NOT NULL,
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
  PRIMARY KEY (plan_id, from_offering_id),
  CONSTRAINT consolidation_plan_item_mappings_plan FOREIGN KEY (plan_id)
    REFERENCES consolidation_plans (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
