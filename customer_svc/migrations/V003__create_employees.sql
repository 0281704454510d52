-- The account team: employees (sales and service staff), their assignments to
-- customers, and anonymous eNPS pulse surveys. Times are UTC.
--
-- Account manager consistency: customer_assignments is the record of who
-- serves whom; customers.account_manager ("employees/{id}" or "") mirrors the
-- one current ACCOUNT_MANAGER assignment of the customer. Both are only ever
-- changed together, in the same transaction, by AssignCustomer,
-- UnassignCustomer and AutoAssign; the unique key on
-- current_account_manager_of makes a second current account manager
-- impossible.
CREATE TABLE employees (
  id BIGINT NOT NULL AUTO_INCREMENT,
  display_name VARCHAR(200) NOT NULL,
  email VARCHAR(254) NOT NULL,
  phone VARCHAR(32) CHARACTER SET ascii NOT NULL,
  role TINYINT NOT NULL,
  team VARCHAR(200) NOT NULL,
  max_accounts INT NOT NULL,
  accepts_assignments BOOLEAN NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  -- E-mail addresses are unique among live employees only.
  live_email VARCHAR(254) AS (IF(delete_time IS NULL, email, NULL)) PERSISTENT,
  PRIMARY KEY (id),
  UNIQUE KEY employees_live_email (live_email),
  KEY employees_by_display_name (display_name, id),
  KEY employees_by_create_time (create_time, id),
  KEY employees_by_role_team (role, team, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE customer_assignments (
  id BIGINT NOT NULL AUTO_INCREMENT,
  customer_id BIGINT NOT NULL,
  employee_id BIGINT NOT NULL,
  role TINYINT NOT NULL,
  automatic BOOLEAN NOT NULL,
  start_time DATETIME(6) NOT NULL,
  end_time DATETIME(6) NULL,
  -- At most one current account manager per customer, and an employee holds a
  -- role for a customer at most once at a time.
  current_account_manager_of BIGINT AS (IF(end_time IS NULL AND role = 1, customer_id, NULL))
    PERSISTENT,
  current_key VARCHAR(64) CHARACTER SET ascii
    AS (IF(end_time IS NULL, CONCAT(customer_id, '/', employee_id, '/', role), NULL)) PERSISTENT,
  PRIMARY KEY (id),
  UNIQUE KEY customer_assignments_one_account_manager (current_account_manager_of),
  UNIQUE KEY customer_assignments_current (current_key),
  KEY customer_assignments_by_customer (customer_id, id),
  KEY customer_assignments_by_employee (employee_id, end_time),
  CONSTRAINT customer_assignments_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT customer_assignments_employee FOREIGN KEY (employee_id) REFERENCES employees (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- eNPS surveys. Answers are anonymous by construction: enps_tallies keeps only
-- counts per (survey, team, score), never a row per answer, so no answer has a
-- time, an order or an identity; enps_participations records only that a
-- respondent (as a SHA-256 of survey id and principal, without a time) has
-- answered, to refuse a second answer. Neither table can be joined to the other.
CREATE TABLE enps_surveys (
  id BIGINT NOT NULL AUTO_INCREMENT,
  title VARCHAR(200) NOT NULL,
  question VARCHAR(1000) NOT NULL,
  -- The invited teams, a serialized EnpsSurvey with only `teams` set.
  teams BLOB NOT NULL,
  min_group_size INT NOT NULL,
  state TINYINT NOT NULL,
  answer_count BIGINT NOT NULL,
  close_time DATETIME(6) NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY enps_surveys_by_create_time (create_time, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE enps_participations (
  survey_id BIGINT NOT NULL,
  respondent_hash BINARY(32) NOT NULL,
  PRIMARY KEY (survey_id, respondent_hash),
  CONSTRAINT enps_participations_survey FOREIGN KEY (survey_id) REFERENCES enps_surveys (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE enps_tallies (
  survey_id BIGINT NOT NULL,
  -- Team labels are kept and grouped exactly as answered.
  team VARCHAR(200) COLLATE utf8mb4_bin NOT NULL,
  score TINYINT NOT NULL,
  answer_count BIGINT NOT NULL,
  PRIMARY KEY (survey_id, team, score),
  CONSTRAINT enps_tallies_survey FOREIGN KEY (survey_id) REFERENCES enps_surveys (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
