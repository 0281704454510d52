-- The customer timeline (interactions) and service cases with their
-- escalations. Queried and sorted attributes are columns; the repeated
-- fields of an interaction (participants, related resources) are kept
-- serialized in `details`, and the related resources are also indexed one
-- per row for filtering. Times are UTC.
CREATE TABLE interactions (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  channel TINYINT NOT NULL,
  direction TINYINT NOT NULL,
  subject VARCHAR(200) NOT NULL,
  summary MEDIUMTEXT NOT NULL,
  sentiment TINYINT NOT NULL,
  occur_time DATETIME(6) NOT NULL,
  employee VARCHAR(64) CHARACTER SET ascii NOT NULL,
  details LONGBLOB NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY interactions_by_customer_occur_time (customer_id, occur_time, id),
  KEY interactions_by_customer_create_time (customer_id, create_time, id),
  KEY interactions_by_occur_time (occur_time, id),
  KEY interactions_by_create_time (create_time, id),
  KEY interactions_by_employee (employee, occur_time, id),
  CONSTRAINT interactions_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per related resource of an interaction, for the
-- related_resources filter; rewritten whenever the interaction changes.
CREATE TABLE interaction_related_resources (
  interaction_id BIGINT NOT NULL,
  position INT NOT NULL,
  resource VARCHAR(255) CHARACTER SET ascii NOT NULL,
  PRIMARY KEY (interaction_id, position),
  KEY interaction_related_resources_by_resource (resource, interaction_id),
  CONSTRAINT interaction_related_resources_interaction
    FOREIGN KEY (interaction_id) REFERENCES interactions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE service_cases (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  -- "CS-000123", derived from id inside the creating transaction.
  case_number VARCHAR(32) CHARACTER SET ascii NULL,
  subject VARCHAR(200) NOT NULL,
  description MEDIUMTEXT NOT NULL,
  priority TINYINT NOT NULL,
  status TINYINT NOT NULL,
  assignee VARCHAR(64) CHARACTER SET ascii NOT NULL,
  sla_due_time DATETIME(6) NOT NULL,
  escalation_level INT NOT NULL,
  resolution MEDIUMTEXT NOT NULL,
  resolve_time DATETIME(6) NULL,
  close_time DATETIME(6) NULL,
  csat_score TINYINT NOT NULL,
  csat_comment TEXT NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY service_cases_case_number (case_number),
  KEY service_cases_by_customer_create_time (customer_id, create_time, id),
  KEY service_cases_by_create_time (create_time, id),
  KEY service_cases_by_sla_due_time (sla_due_time, id),
  KEY service_cases_by_priority (priority, id),
  KEY service_cases_by_status (status, sla_due_time, id),
  KEY service_cases_by_assignee (assignee, status),
  CONSTRAINT service_cases_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE service_case_escalations (
  id BIGINT NOT NULL AUTO_INCREMENT,
  service_case_id BIGINT NOT NULL,
  level INT NOT NULL,
  reason TEXT NOT NULL,
  from_assignee VARCHAR(64) CHARACTER SET ascii NOT NULL,
  to_assignee VARCHAR(64) CHARACTER SET ascii NOT NULL,
  priority TINYINT NOT NULL,
  actor VARCHAR(128) NOT NULL,
  escalate_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY service_case_escalations_level (service_case_id, level),
  CONSTRAINT service_case_escalations_case
    FOREIGN KEY (service_case_id) REFERENCES service_cases (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
