-- Duplicate detection rules and the merge journal. Times are UTC.
--
-- A rule keeps its conditions serialized in `conditions` (a DuplicateRule with
-- only `conditions` set); display name and enabled flag are columns for
-- filtering and sorting.
CREATE TABLE duplicate_rules (
  id BIGINT NOT NULL AUTO_INCREMENT,
  display_name VARCHAR(200) NOT NULL,
  enabled BOOLEAN NOT NULL,
  conditions BLOB NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  delete_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY duplicate_rules_by_display_name (display_name, id),
  KEY duplicate_rules_by_create_time (create_time, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One performed merge. `survivor_before` and `survivor_after` are the
-- survivor (a serialized Customer) right before and right after the merge, so
-- UnmergeCustomers can restore the fields the merge changed and detect later
-- changes to them; `moves` is a serialized CustomerMerge with only `moves` set.
-- `state` holds CustomerMergeState (1 MERGED, 2 UNMERGED).
CREATE TABLE customer_merges (
  id BIGINT NOT NULL AUTO_INCREMENT,
  survivor_id BIGINT NOT NULL,
  state TINYINT NOT NULL,
  actor VARCHAR(128) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  survivor_before LONGBLOB NOT NULL,
  survivor_after LONGBLOB NOT NULL,
  moves BLOB NOT NULL,
  merge_time DATETIME(6) NOT NULL,
  unmerge_time DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY customer_merges_by_survivor (survivor_id, id),
  KEY customer_merges_by_merge_time (merge_time, id),
  CONSTRAINT customer_merges_survivor FOREIGN KEY (survivor_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The customers a merge turned into tombstones, each with its full record
-- before the merge (a serialized Customer) and the version the merge left it
-- at (so a later change to the tombstone is detected).
CREATE TABLE customer_merge_members (
  merge_id BIGINT NOT NULL,
  position INT NOT NULL,
  merged_id BIGINT NOT NULL,
  merged_before LONGBLOB NOT NULL,
  version_after BIGINT NOT NULL,
  PRIMARY KEY (merge_id, position),
  KEY customer_merge_members_by_merged (merged_id, merge_id),
  CONSTRAINT customer_merge_members_merge FOREIGN KEY (merge_id) REFERENCES customer_merges (id),
  CONSTRAINT customer_merge_members_customer FOREIGN KEY (merged_id) REFERENCES customers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Exactly which child rows a merge moved: the row `row_id` of `table_name`
-- had `column_name` = `from_id` (a merged customer) and now points at the
-- survivor. UnmergeCustomers moves exactly these rows back.
CREATE TABLE customer_merge_rows (
  merge_id BIGINT NOT NULL,
  table_name VARCHAR(64) CHARACTER SET ascii NOT NULL,
  column_name VARCHAR(64) CHARACTER SET ascii NOT NULL,
  row_id BIGINT NOT NULL,
  from_id BIGINT NOT NULL,
  PRIMARY KEY (merge_id, table_name, column_name, row_id),
  CONSTRAINT customer_merge_rows_merge FOREIGN KEY (merge_id) REFERENCES customer_merges (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
