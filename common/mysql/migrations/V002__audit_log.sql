-- The audit log: one entry per change of a resource (who, when, which request,
-- why) and the fields it changed with their old and new values as proto3 JSON.
CREATE TABLE audit_entries (
  id BIGINT NOT NULL AUTO_INCREMENT,
  resource VARCHAR(255) CHARACTER SET ascii NOT NULL,
  action TINYINT NOT NULL,
  actor VARCHAR(128) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  reason TEXT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY audit_entries_by_resource (resource, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE audit_field_changes (
  audit_entry_id BIGINT NOT NULL,
  position INT NOT NULL,
  field_path VARCHAR(255) CHARACTER SET ascii NOT NULL,
  old_value_json MEDIUMTEXT NOT NULL,
  new_value_json MEDIUMTEXT NOT NULL,
  PRIMARY KEY (audit_entry_id, position),
  CONSTRAINT audit_field_changes_entry FOREIGN KEY (audit_entry_id) REFERENCES audit_entries (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
