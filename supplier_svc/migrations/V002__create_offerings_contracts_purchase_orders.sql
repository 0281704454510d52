-- The procurement documents of a supplier: offerings (price lists), blanket
-- contracts and purchase orders. Money is integer minor units + ISO 4217
-- currency. A document moved to another supplier by a consolidation keeps
-- the supplier it came from (original_supplier_id) and, on contracts and
-- orders, that supplier's name as a snapshot.
CREATE TABLE offerings (
  id BIGINT NOT NULL AUTO_INCREMENT,
  supplier_id BIGINT NOT NULL,
  original_supplier_id BIGINT NULL,
  item VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  supplier_item_code VARCHAR(100) NOT NULL,
  description TEXT NOT NULL,
  unit_price_minor BIGINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  minimum_quantity BIGINT NOT NULL,
  lead_time_days INT NOT NULL,
  valid_from DATE NULL,
  valid_until DATE NULL,
  contract_id BIGINT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY offerings_by_item (item, supplier_id),
  KEY offerings_by_supplier (supplier_id, id),
  KEY offerings_by_contract (contract_id),
  CONSTRAINT offerings_supplier FOREIGN KEY (supplier_id) REFERENCES suppliers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contracts (
  id BIGINT NOT NULL AUTO_INCREMENT,
  contract_number VARCHAR(32) CHARACTER SET ascii NOT NULL,
  supplier_id BIGINT NOT NULL,
  original_supplier_id BIGINT NULL,
  original_supplier_display_name VARCHAR(200) NOT NULL DEFAULT '',
  title VARCHAR(200) NOT NULL,
  start_date DATE NOT NULL,
  end_date DATE NOT NULL,
  state TINYINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  committed_minor BIGINT NOT NULL,
  ordered_minor BIGINT NOT NULL,
  termination_reason TEXT NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY contracts_by_number (contract_number),
  KEY contracts_by_supplier (supplier_id, state, id),
  CONSTRAINT contracts_supplier FOREIGN KEY (supplier_id) REFERENCES suppliers (id),
  CONSTRAINT contracts_ordered_within_commitment CHECK (ordered_minor BETWEEN 0 AND committed_minor)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Agreed price and volume per item of a contract.
CREATE TABLE contract_lines (
  contract_id BIGINT NOT NULL,
  line_number INT NOT NULL,
  item VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  unit_price_minor BIGINT NOT NULL,
  committed_quantity BIGINT NOT NULL,
  ordered_quantity BIGINT NOT NULL,
  PRIMARY KEY (contract_id, line_number),
  UNIQUE KEY contract_lines_by_item (contract_id, item),
  KEY contract_lines_item (item),
  CONSTRAINT contract_lines_contract FOREIGN KEY (contract_id) REFERENCES contracts (id),
  CONSTRAINT contract_lines_remaining_not_negative
    CHECK (ordered_quantity BETWEEN 0 AND committed_quantity)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE purchase_orders (
  id BIGINT NOT NULL AUTO_INCREMENT,
  po_number VARCHAR(32) CHARACTER SET ascii NOT NULL,
  supplier_id BIGINT NOT NULL,
  original_supplier_id BIGINT NULL,
  original_supplier_display_name VARCHAR(200) NOT NULL DEFAULT '',
  contract_id BIGINT NULL,
  status TINYINT NOT NULL,
  total_currency CHAR(3) CHARACTER SET ascii NOT NULL,
  total_minor BIGINT NOT NULL,
  promised_delivery_date DATE NULL,
  actual_delivery_date DATE NULL,
  on_time_delivery BOOLEAN NOT NULL DEFAULT FALSE,
  accepted_quantity BIGINT NULL,
  defective_quantity BIGINT NULL,
  quality_notes TEXT NOT NULL,
  inspect_time DATETIME(6) NULL,
  service_rating TINYINT NOT NULL DEFAULT 0,
  cancel_reason TEXT NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY purchase_orders_by_number (po_number),
  KEY purchase_orders_by_supplier (supplier_id, status, create_time),
  KEY purchase_orders_by_create_time (create_time, id),
  KEY purchase_orders_by_status (status, id),
  KEY purchase_orders_by_contract (contract_id),
  CONSTRAINT purchase_orders_supplier FOREIGN KEY (supplier_id) REFERENCES suppliers (id),
  CONSTRAINT purchase_orders_contract FOREIGN KEY (contract_id) REFERENCES contracts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE purchase_order_lines (
  purchase_order_id BIGINT NOT NULL,
  line_number INT NOT NULL,
  item VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  supplier_item_code VARCHAR(100) NOT NULL,
  description TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  unit_price_minor BIGINT NOT NULL,
  amount_minor BIGINT NOT NULL,
  offering_id BIGINT NULL,
  original_unit_price_minor BIGINT NULL,
  PRIMARY KEY (purchase_order_id, line_number),
  KEY purchase_order_lines_by_item (item, purchase_order_id),
  CONSTRAINT purchase_order_lines_order FOREIGN KEY (purchase_order_id)
    REFERENCES purchase_orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
