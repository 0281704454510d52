-- Pricing: list prices per SKU and currency, discounts per customer tier and
-- special prices per customer, each valid from valid_from to valid_until
-- inclusive (NULL valid_until: open-ended). Money is BIGINT minor units plus
-- an ISO-4217 code; times are UTC; rows are soft-deleted through delete_time
-- and carry a version for etags. SKUs compare exactly (binary collation).
-- Live rows with the same key never have overlapping validity (the service
-- checks under the locks of the *_by_key indexes), so a quote is never
-- ambiguous.

-- Key: (sku, currency).
CREATE TABLE price_list_entries (
  id BIGINT NOT NULL AUTO_INCREMENT,
  sku VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  description TEXT NOT NULL,
  list_price_minor BIGINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  valid_from DATE NOT NULL,
  valid_until DATE NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY price_list_entries_by_key (sku, currency, valid_from),
  KEY price_list_entries_by_sku (sku, id),
  KEY price_list_entries_by_valid_from (valid_from, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- `tier` holds crm.customer.v1.Tier (1 STANDARD .. 4 PLATINUM); sku '' means
-- every SKU. Key: (tier, sku, GREATEST(min_quantity, 1)).
CREATE TABLE tier_discounts (
  id BIGINT NOT NULL AUTO_INCREMENT,
  tier TINYINT NOT NULL,
  sku VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  discount_basis_points INT NOT NULL,
  min_quantity BIGINT NOT NULL,
  valid_from DATE NOT NULL,
  valid_until DATE NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY tier_discounts_by_key (tier, sku, valid_from),
  KEY tier_discounts_by_tier (tier, id),
  KEY tier_discounts_by_valid_from (valid_from, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A customer's negotiated prices; valid_until is always set (special prices
-- expire). approved_by is "employees/{id}" or ''. Key: (customer_id, sku,
-- currency, GREATEST(min_quantity, 1)).
CREATE TABLE special_prices (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  sku VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  unit_price_minor BIGINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  min_quantity BIGINT NOT NULL,
  valid_from DATE NOT NULL,
  valid_until DATE NULL,
  reason TEXT NOT NULL,
  approved_by VARCHAR(64) CHARACTER SET ascii NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY special_prices_by_key (customer_id, sku, currency, valid_from),
  KEY special_prices_by_sku (sku, id),
  KEY special_prices_by_valid_until (valid_until, id),
  CONSTRAINT special_prices_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
