-- Keyset sort keys of ListOfferings and the communication log with each
-- supplier (SupplierCommunicationService). Times are UTC.

-- Offerings without a valid_from sort as if they started on this day (first
-- in ascending order); every order_by of ListOfferings is (key, id).
ALTER TABLE offerings
  ADD COLUMN valid_from_sort DATE AS (IFNULL(valid_from, DATE '1000-01-01')) PERSISTENT,
  ADD KEY offerings_by_item_id (item, id),
  ADD KEY offerings_by_unit_price (unit_price_minor, id),
  ADD KEY offerings_by_valid_from (valid_from_sort, id),
  -- BestPrice and the overlap check: the live offerings of an item.
  ADD KEY offerings_by_item_currency (item, currency, minimum_quantity);

CREATE TABLE supplier_communications (
  id BIGINT NOT NULL AUTO_INCREMENT,
  supplier_id BIGINT NOT NULL,
  channel TINYINT NOT NULL,
  direction TINYINT NOT NULL,
  subject VARCHAR(200) NOT NULL,
  summary TEXT NOT NULL,
  contact_name VARCHAR(200) NOT NULL,
  author VARCHAR(200) NOT NULL,
  occur_time DATETIME(6) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY supplier_communications_by_supplier_occur (supplier_id, occur_time, id),
  KEY supplier_communications_by_supplier_create (supplier_id, create_time, id),
  KEY supplier_communications_by_occur (occur_time, id),
  KEY supplier_communications_by_create (create_time, id),
  CONSTRAINT supplier_communications_supplier FOREIGN KEY (supplier_id) REFERENCES suppliers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- SupplierCommunication.related_resources, in the order given.
CREATE TABLE supplier_communication_resources (
  communication_id BIGINT NOT NULL,
  position INT NOT NULL,
  resource VARCHAR(255) CHARACTER SET ascii NOT NULL,
  PRIMARY KEY (communication_id, position),
  KEY supplier_communication_resources_by_resource (resource, communication_id),
  CONSTRAINT supplier_communication_resources_communication FOREIGN KEY (communication_id)
    REFERENCES supplier_communications (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
