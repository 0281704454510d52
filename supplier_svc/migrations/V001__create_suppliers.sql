-- Suppliers, their categories and their status history (the audit log is in
-- the common track). Queried and sorted attributes are columns; the rest of the
-- Supplier message (contacts, postal address, qualifications, data-sharing
-- agreement) is kept serialized in `details`. Times are UTC.
CREATE TABLE suppliers (
  id BIGINT NOT NULL AUTO_INCREMENT,
  display_name VARCHAR(200) NOT NULL,
  legal_name VARCHAR(200) NOT NULL,
  web_domain VARCHAR(253) CHARACTER SET ascii NULL,
  tax_id VARCHAR(32) CHARACTER SET ascii NULL,
  status TINYINT NOT NULL,
  consolidated_into_id BIGINT NULL,
  integration_level TINYINT NOT NULL,
  region_code CHAR(2) CHARACTER SET ascii NOT NULL,
  relationship_start_date DATE NULL,
  details LONGBLOB NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  -- The organization key is unique among live suppliers only.
  live_web_domain VARCHAR(253) CHARACTER SET ascii
    AS (IF(delete_time IS NULL, web_domain, NULL)) PERSISTENT,
  live_tax_id VARCHAR(32) CHARACTER SET ascii
    AS (IF(delete_time IS NULL, tax_id, NULL)) PERSISTENT,
  -- Sort key of order_by relationship_start_date: suppliers without one first.
  start_date_sort DATE AS (IFNULL(relationship_start_date, DATE '1000-01-01')) PERSISTENT,
  PRIMARY KEY (id),
  UNIQUE KEY suppliers_live_web_domain (live_web_domain),
  UNIQUE KEY suppliers_live_tax_id (live_tax_id),
  KEY suppliers_by_display_name (display_name, id),
  KEY suppliers_by_create_time (create_time, id),
  KEY suppliers_by_start_date (start_date_sort, id),
  KEY suppliers_by_status (status, id),
  KEY suppliers_by_consolidated_into (consolidated_into_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What each supplier provides (Supplier.categories), one row per category.
CREATE TABLE supplier_categories (
  supplier_id BIGINT NOT NULL,
  category TINYINT NOT NULL,
  PRIMARY KEY (supplier_id, category),
  KEY supplier_categories_by_category (category, supplier_id),
  CONSTRAINT supplier_categories_supplier FOREIGN KEY (supplier_id) REFERENCES suppliers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE supplier_status_changes (
  id BIGINT NOT NULL AUTO_INCREMENT,
  supplier_id BIGINT NOT NULL,
  from_status TINYINT NOT NULL,
  to_status TINYINT NOT NULL,
  reason TEXT NOT NULL,
  consolidated_into_id BIGINT NULL,
  consolidation_id BIGINT NULL,
  actor VARCHAR(128) NOT NULL,
  change_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY supplier_status_changes_by_supplier (supplier_id, id),
  KEY supplier_status_changes_by_consolidation (consolidation_id),
  CONSTRAINT supplier_status_changes_supplier FOREIGN KEY (supplier_id) REFERENCES suppliers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
