#include "customer_svc/repository/mysql_duplicate_repository.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "customer_svc/repository/mysql_customer_repository.h"

namespace crm::customer {
namespace {

using common::SqlQuery;
using common::SqlValue;

constexpr char kRuleColumns[] =
    "r.id, r.display_name, r.enabled, r.conditions, r.version, r.create_time, r.update_time, "
    "r.delete_time";

constexpr char kMergeColumns[] =
    "m.id, m.survivor_id, m.state, m.actor, m.request_id, m.survivor_before, m.survivor_after, "
    "m.moves, m.merge_time, m.unmerge_time";

constexpr int kDuplicateKeyError = 1062;

std::string Quoted(std::string_view identifier) {
  return absl::StrCat("`", std::string(identifier), "`");
}

std::string ConditionsBytes(const v1::DuplicateRule& rule) {
  v1::DuplicateRule only;
  *only.mutable_conditions() = rule.conditions();
  return only.SerializeAsString();
}

absl::StatusOr<StoredDuplicateRule> ReadRule(const sql::ResultSet& row) {
  StoredDuplicateRule stored;
  stored.id = row.getInt64("id");
  stored.version = row.getInt64("version");
  v1::DuplicateRule& rule = stored.rule;
  if (!rule.ParseFromString(common::ReadString(row, "conditions"))) {
    return absl::InternalError("stored duplicate rule conditions are unreadable");
  }
  rule.set_name(common::FormatResourceName("duplicateRules", stored.id));
  rule.set_display_name(common::ReadString(row, "display_name"));
  rule.set_enabled(row.getBoolean("enabled"));
  rule.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"create_time", rule.mutable_create_time()},
           {"update_time", rule.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> deleted =
      common::ReadOptionalTimestamp(row, "delete_time");
  if (!deleted.ok()) return deleted.status();
  if (deleted->has_value()) *rule.mutable_delete_time() = **deleted;
  return stored;
}

absl::StatusOr<std::vector<StoredDuplicateRule>> ReadRules(sql::Connection& connection,
                                                           const SqlQuery& query) {
  std::vector<StoredDuplicateRule> rules;
  common::QueryResult rows = common::Query(connection, query);
  while (rows->next()) {
    absl::StatusOr<StoredDuplicateRule> rule = ReadRule(*rows);
    if (!rule.ok()) return rule.status();
    rules.push_back(*std::move(rule));
  }
  return rules;
}

absl::StatusOr<std::optional<StoredDuplicateRule>> SelectRule(sql::Connection& connection,
                                                              int64_t id, bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kRuleColumns, " FROM duplicate_rules r WHERE r.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  absl::StatusOr<std::vector<StoredDuplicateRule>> rules = ReadRules(connection, query);
  if (!rules.ok()) return rules.status();
  if (rules->empty()) return std::nullopt;
  return std::move(rules->front());
}

std::string_view RuleColumnSql(DuplicateRuleColumn column) {
  switch (column) {
    case DuplicateRuleColumn::kEnabled:
      return "r.enabled";
    case DuplicateRuleColumn::kDisplayName:
      return "r.display_name";
  }
  return "NULL";
}

std::string_view MergeColumnSql(MergeColumn column) {
  switch (column) {
    case MergeColumn::kSurvivor:
      return "m.survivor_id";
    case MergeColumn::kState:
      return "m.state";
    case MergeColumn::kMergeTime:
      return "m.merge_time";
    case MergeColumn::kMergedCustomer:
      break;
  }
  return "NULL";
}

absl::StatusOr<v1::Customer> ParseCustomer(const std::string& bytes, std::string_view what) {
  v1::Customer customer;
  if (!customer.ParseFromString(bytes)) {
    return absl::InternalError(absl::StrCat("stored ", std::string(what), " is unreadable"));
  }
  return customer;
}

absl::StatusOr<StoredMerge> ReadMerge(const sql::ResultSet& row) {
  StoredMerge stored;
  stored.id = row.getInt64("id");
  stored.survivor_id = row.getInt64("survivor_id");
  v1::CustomerMerge& merge = stored.merge;
  if (!merge.ParseFromString(common::ReadString(row, "moves"))) {
    return absl::InternalError("stored merge moves are unreadable");
  }
  merge.set_name(common::FormatResourceName("customerMerges", stored.id));
  merge.set_survivor(common::FormatResourceName("customers", stored.survivor_id));
  merge.set_state(static_cast<v1::CustomerMergeState>(row.getInt("state")));
  merge.set_actor(common::ReadString(row, "actor"));
  merge.set_request_id(common::ReadString(row, "request_id"));
  absl::StatusOr<google::protobuf::Timestamp> merged = common::ReadTimestamp(row, "merge_time");
  if (!merged.ok()) return merged.status();
  *merge.mutable_merge_time() = *merged;
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> unmerged =
      common::ReadOptionalTimestamp(row, "unmerge_time");
  if (!unmerged.ok()) return unmerged.status();
  if (unmerged->has_value()) *merge.mutable_unmerge_time() = **unmerged;
  absl::StatusOr<v1::Customer> before =
      ParseCustomer(common::ReadString(row, "survivor_before"), "survivor before the merge");
  if (!before.ok()) return before.status();
  stored.survivor_before = *std::move(before);
  absl::StatusOr<v1::Customer> after =
      ParseCustomer(common::ReadString(row, "survivor_after"), "survivor after the merge");
  if (!after.ok()) return after.status();
  stored.survivor_after = *std::move(after);
  return stored;
}

// Reads the merges of `query` and their members.
absl::StatusOr<std::vector<StoredMerge>> ReadMerges(sql::Connection& connection,
                                                    const SqlQuery& query) {
  std::vector<StoredMerge> merges;
  std::map<int64_t, size_t> index_by_id;
  {
    common::QueryResult rows = common::Query(connection, query);
    while (rows->next()) {
      absl::StatusOr<StoredMerge> merge = ReadMerge(*rows);
      if (!merge.ok()) return merge.status();
      index_by_id[merge->id] = merges.size();
      merges.push_back(*std::move(merge));
    }
  }
  if (merges.empty()) return merges;
  SqlQuery members;
  members.text = absl::StrCat(
      "SELECT merge_id, merged_id, merged_before, version_after FROM customer_merge_members "
      "WHERE merge_id IN (",
      common::Placeholders(index_by_id.size()), ") ORDER BY merge_id, position");
  for (const auto& [id, index] : index_by_id) members.params.emplace_back(id);
  common::QueryResult rows = common::Query(connection, members);
  while (rows->next()) {
    StoredMerge& merge = merges[index_by_id[rows->getInt64("merge_id")]];
    MergeMember& member = merge.members.emplace_back();
    member.customer_id = rows->getInt64("merged_id");
    member.version_after = rows->getInt64("version_after");
    absl::StatusOr<v1::Customer> before =
        ParseCustomer(common::ReadString(*rows, "merged_before"), "merged customer");
    if (!before.ok()) return before.status();
    member.before = *std::move(before);
    merge.merge.add_merged_customers(common::FormatResourceName("customers", member.customer_id));
  }
  return merges;
}

absl::StatusOr<std::optional<StoredMerge>> SelectMerge(sql::Connection& connection, int64_t id,
                                                       bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kMergeColumns, " FROM customer_merges m WHERE m.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  absl::StatusOr<std::vector<StoredMerge>> merges = ReadMerges(connection, query);
  if (!merges.ok()) return merges.status();
  if (merges->empty()) return std::nullopt;
  return std::move(merges->front());
}

const MergeChildColumn* FindChildColumn(std::string_view table, std::string_view column) {
  for (const MergeChildColumn& child : kMergeChildColumns) {
    if (child.table == table && child.customer_column == column) return &child;
  }
  return nullptr;
}

// " AND t.<id> NOT IN (...)" for the customers table itself: the customers
// taking part in the merge are written by the merge, never moved as children.
void ExcludeParticipants(SqlQuery& query, const MergeChildColumn& child, int64_t survivor_id,
                         const std::vector<int64_t>& merged_ids) {
  if (child.table != "customers") return;
  query.text += absl::StrCat(" AND t.", Quoted(child.id_column), " NOT IN (",
                             common::Placeholders(merged_ids.size() + 1), ")");
  query.params.emplace_back(survivor_id);
  for (int64_t id : merged_ids) query.params.emplace_back(id);
}

void AddIdList(SqlQuery& query, const std::vector<int64_t>& ids) {
  query.text += absl::StrCat("(", common::Placeholders(ids.size()), ")");
  for (int64_t id : ids) query.params.emplace_back(id);
}

std::vector<v1::ChildMoveCount> CountsByCollection(
    const std::vector<std::pair<std::string_view, int64_t>>& counts) {
  std::vector<v1::ChildMoveCount> moves;
  for (const auto& [collection, count] : counts) {
    v1::ChildMoveCount* move = nullptr;
    for (v1::ChildMoveCount& existing : moves) {
      if (existing.collection() == collection) move = &existing;
    }
    if (move == nullptr) {
      move = &moves.emplace_back();
      move->set_collection(std::string(collection));
    }
    move->set_count(move->count() + count);
  }
  return moves;
}

absl::Status UniquenessConflict(const MergeChildColumn& child, bool back) {
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s: moving rows %s would give a customer two rows that must be unique per customer "
      "(e.g. two current account managers); resolve the conflicting rows first",
      std::string(child.table), back ? "back to the merged customers" : "to the survivor"));
}

class MySqlDuplicateStore final : public DuplicateStore {
 public:
  explicit MySqlDuplicateStore(sql::Connection& connection)
      : connection_(connection), customers_(MakeMySqlCustomerStore(connection)) {}

  CustomerStore& customers() override { return *customers_; }

  absl::StatusOr<std::optional<StoredDuplicateRule>> LockRule(int64_t id) override {
    return SelectRule(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<StoredDuplicateRule> InsertRule(const v1::DuplicateRule& rule) override {
    SqlQuery insert;
    insert.Add(
        "INSERT INTO duplicate_rules (display_name, enabled, conditions, version, create_time, "
        "update_time, delete_time) VALUES (?, ?, ?, 1, ?, ?, NULL)",
        {rule.display_name(), int64_t{rule.enabled() ? 1 : 0}, ConditionsBytes(rule),
         common::SqlTime(rule.create_time()), common::SqlTime(rule.update_time())});
    common::Execute(connection_, insert);
    return Reread(common::LastInsertId(connection_));
  }

  absl::StatusOr<StoredDuplicateRule> UpdateRule(const v1::DuplicateRule& rule,
                                                 int64_t expected_version) override {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("duplicate_rule.name", rule.name(), "duplicateRules");
    if (!id.ok()) return id.status();
    SqlQuery update;
    update.Add(
        "UPDATE duplicate_rules SET display_name = ?, enabled = ?, conditions = ?, "
        "update_time = ?, delete_time = ?, version = version + 1 WHERE id = ? AND version = ?",
        {rule.display_name(), int64_t{rule.enabled() ? 1 : 0}, ConditionsBytes(rule),
         common::SqlTime(rule.update_time()),
         rule.has_delete_time() ? SqlValue(common::SqlTime(rule.delete_time()))
                                : SqlValue(common::SqlNull{}),
         *id, expected_version});
    if (common::Execute(connection_, update) != 1) {
      return absl::AbortedError(
          absl::StrCat(rule.name(), " was modified concurrently; re-read and retry"));
    }
    return Reread(*id);
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<v1::ChildMoveCount>> CountChildRows(
      int64_t survivor_id, const std::vector<int64_t>& merged_ids) override {
    std::vector<std::pair<std::string_view, int64_t>> counts;
    for (const MergeChildColumn& child : kMergeChildColumns) {
      SqlQuery count;
      count.text = absl::StrCat("SELECT COUNT(*) FROM ", Quoted(child.table), " t WHERE t.",
                                Quoted(child.customer_column), " IN ");
      AddIdList(count, merged_ids);
      ExcludeParticipants(count, child, survivor_id, merged_ids);
      common::QueryResult row = common::Query(connection_, count);
      row->next();
      counts.emplace_back(child.collection, row->getInt64(1));
    }
    return CountsByCollection(counts);
  }

  absl::StatusOr<int64_t> InsertMerge(const StoredMerge& merge) override {
    SqlQuery insert;
    insert.Add(
        "INSERT INTO customer_merges (survivor_id, state, actor, request_id, survivor_before, "
        "survivor_after, moves, merge_time, unmerge_time) VALUES (?, ?, ?, ?, ?, ?, '', ?, NULL)",
        {merge.survivor_id, int64_t{v1::CUSTOMER_MERGE_STATE_MERGED}, merge.merge.actor(),
         merge.merge.request_id(), merge.survivor_before.SerializeAsString(),
         merge.survivor_after.SerializeAsString(), common::SqlTime(merge.merge.merge_time())});
    common::Execute(connection_, insert);
    const int64_t merge_id = common::LastInsertId(connection_);
    for (size_t i = 0; i < merge.members.size(); ++i) {
      SqlQuery member;
      member.Add(
          "INSERT INTO customer_merge_members (merge_id, position, merged_id, merged_before, "
          "version_after) VALUES (?, ?, ?, ?, ?)",
          {merge_id, static_cast<int64_t>(i), merge.members[i].customer_id,
           merge.members[i].before.SerializeAsString(), merge.members[i].version_after});
      common::Execute(connection_, member);
    }
    return merge_id;
  }

  absl::StatusOr<std::vector<v1::ChildMoveCount>> MoveChildRows(
      int64_t merge_id, int64_t survivor_id, const std::vector<int64_t>& merged_ids) override {
    std::vector<std::pair<std::string_view, int64_t>> counts;
    for (const MergeChildColumn& child : kMergeChildColumns) {
      const std::string table = Quoted(child.table);
      const std::string id_column = Quoted(child.id_column);
      const std::string column = Quoted(child.customer_column);
      SqlQuery journal;
      journal.text = absl::StrCat(
          "INSERT INTO customer_merge_rows (merge_id, table_name, column_name, row_id, from_id) "
          "SELECT ?, ?, ?, t.",
          id_column, ", t.", column, " FROM ", table, " t WHERE t.", column, " IN ");
      journal.params = {merge_id, std::string(child.table), std::string(child.customer_column)};
      AddIdList(journal, merged_ids);
      ExcludeParticipants(journal, child, survivor_id, merged_ids);
      const int64_t journaled = common::Execute(connection_, journal);
      if (journaled == 0) {
        counts.emplace_back(child.collection, 0);
        continue;
      }
      SqlQuery move;
      move.Add(
          absl::StrCat("UPDATE ", table, " t JOIN customer_merge_rows j ON j.row_id = t.",
                       id_column, " SET t.", column,
                       " = ? WHERE j.merge_id = ? AND j.table_name = ? AND j.column_name = ?"
                       " AND t.",
                       column, " = j.from_id"),
          {survivor_id, merge_id, std::string(child.table), std::string(child.customer_column)});
      int64_t moved = 0;
      try {
        moved = common::Execute(connection_, move);
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKeyError) return UniquenessConflict(child, false);
        throw;
      }
      if (moved != journaled) {
        return absl::AbortedError(absl::StrFormat("%s changed while the merge ran; retry the merge",
                                                  std::string(child.table)));
      }
      counts.emplace_back(child.collection, moved);
    }
    return CountsByCollection(counts);
  }

  absl::Status SetMergeMoves(int64_t merge_id,
                             const std::vector<v1::ChildMoveCount>& moves) override {
    v1::CustomerMerge only;
    for (const v1::ChildMoveCount& move : moves) *only.add_moves() = move;
    SqlQuery update;
    update.Add("UPDATE customer_merges SET moves = ? WHERE id = ?",
               {only.SerializeAsString(), merge_id});
    common::Execute(connection_, update);
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<StoredMerge>> LockMerge(int64_t id) override {
    return SelectMerge(connection_, id, /*for_update=*/true);
  }

  absl::Status MoveChildRowsBack(int64_t merge_id, int64_t survivor_id) override {
    SqlQuery journaled;
    journaled.Add(
        "SELECT table_name, column_name, COUNT(*) AS row_count FROM customer_merge_rows "
        "WHERE merge_id = ? GROUP BY table_name, column_name ORDER BY table_name, column_name",
        {merge_id});
    std::vector<std::pair<const MergeChildColumn*, int64_t>> groups;
    {
      common::QueryResult rows = common::Query(connection_, journaled);
      while (rows->next()) {
        const std::string table = common::ReadString(*rows, "table_name");
        const std::string column = common::ReadString(*rows, "column_name");
        const MergeChildColumn* child = FindChildColumn(table, column);
        if (child == nullptr) {
          return absl::FailedPreconditionError(
              absl::StrFormat("the merge journal names %s.%s, which is no longer a customer column",
                              table, column));
        }
        groups.emplace_back(child, rows->getInt64("row_count"));
      }
    }
    const std::string survivor = common::FormatResourceName("customers", survivor_id);
    for (const auto& [child, count] : groups) {
      const std::string column = Quoted(child->customer_column);
      SqlQuery back;
      back.Add(
          absl::StrCat("UPDATE ", Quoted(child->table),
                       " t JOIN customer_merge_rows j ON j.row_id = t.", Quoted(child->id_column),
                       " SET t.", column,
                       " = j.from_id WHERE j.merge_id = ? AND j.table_name = ?"
                       " AND j.column_name = ? AND t.",
                       column, " = ?"),
          {merge_id, std::string(child->table), std::string(child->customer_column), survivor_id});
      int64_t moved = 0;
      try {
        moved = common::Execute(connection_, back);
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == kDuplicateKeyError) return UniquenessConflict(*child, true);
        throw;
      }
      if (moved != count) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "%d of the %d %s rows this merge moved no longer belong to %s (moved or deleted "
            "since); they cannot be moved back",
            count - moved, count, std::string(child->table), survivor));
      }
    }
    return absl::OkStatus();
  }

  absl::Status MarkUnmerged(int64_t merge_id, absl::Time time) override {
    SqlQuery update;
    update.Add("UPDATE customer_merges SET state = ?, unmerge_time = ? WHERE id = ?",
               {int64_t{v1::CUSTOMER_MERGE_STATE_UNMERGED},
                common::SqlTime(common::ToProtoTimestamp(time)), merge_id});
    common::Execute(connection_, update);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<StoredDuplicateRule> Reread(int64_t id) {
    absl::StatusOr<std::optional<StoredDuplicateRule>> stored =
        SelectRule(connection_, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value())
      return absl::InternalError("duplicate rule vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
  std::unique_ptr<CustomerStore> customers_;
};

std::string FieldSql(MatchField field, std::string_view alias) {
  const std::string a(alias);
  switch (field) {
    case MatchField::kDisplayName:
      return absl::StrCat(a, ".display_name");
    case MatchField::kEmail:
      return absl::StrCat(a, ".email");
    case MatchField::kPhone:
      return absl::StrCat("CONVERT(", a, ".phone USING utf8mb4)");
    case MatchField::kWebDomain:
      return absl::StrCat("CONVERT(IFNULL(", a, ".web_domain, '') USING utf8mb4)");
    case MatchField::kTaxId:
      return absl::StrCat("CONVERT(IFNULL(", a, ".tax_id, '') USING utf8mb4)");
    case MatchField::kPostalCode:
      break;  // not a column; never asked for
  }
  return "''";
}

// "(?-i)": REGEXP_REPLACE follows the column's case-insensitive collation otherwise.
std::string Trimmed(const std::string& value) {
  return absl::StrCat("REGEXP_REPLACE(", value, ", '^[[:space:]]+|[[:space:]]+$', '')");
}

std::string NormalizedSql(v1::Normalizer normalizer, const std::string& value) {
  switch (normalizer) {
    case v1::NORMALIZER_LOWERCASE:
      return absl::StrCat("LOWER(", Trimmed(value), ")");
    case v1::NORMALIZER_ALPHANUMERIC:
      return absl::StrCat("REGEXP_REPLACE(LOWER(", value, "), '(?-i)[^a-z0-9[:^ascii:]]', '')");
    case v1::NORMALIZER_EMAIL: {
      const std::string e = absl::StrCat("LOWER(", Trimmed(value), ")");
      return absl::StrCat("IF(LOCATE('@', ", e, ") = 0, ", e, ", CONCAT(SUBSTRING_INDEX(",
                          "SUBSTRING_INDEX(", e, ", '@', 1), '+', 1), SUBSTRING(", e,
                          ", LOCATE('@', ", e, "))))");
    }
    case v1::NORMALIZER_PHONE:
      return absl::StrCat("REGEXP_REPLACE(", value, ", '[^0-9]', '')");
    case v1::NORMALIZER_WEB_DOMAIN: {
      std::string s = absl::StrCat("LOWER(", Trimmed(value), ")");
      s = absl::StrCat("REGEXP_REPLACE(", s, ", '(?-i)^[a-z][a-z0-9+.-]*://', '')");
      s = absl::StrCat("REGEXP_REPLACE(", s, ", '(?s)^.*@', '')");
      s = absl::StrCat("REGEXP_REPLACE(", s, ", '(?s)[/?#:].*$', '')");
      s = absl::StrCat("REGEXP_REPLACE(", s, ", '(?-i)^www[.]', '')");
      return absl::StrCat("REGEXP_REPLACE(", s, ", '[.]+$', '')");
    }
    case v1::NORMALIZER_COMPANY_NAME: {
      std::vector<std::string> words(LegalFormWords().begin(), LegalFormWords().end());
      std::sort(words.begin(), words.end());
      std::string s = absl::StrCat("REPLACE(LOWER(", value, "), '.', '')");
      s = absl::StrCat("TRIM(REGEXP_REPLACE(", s, ", '(?-i)[^a-z0-9[:^ascii:]]+', ' '))");
      return absl::StrCat("REGEXP_REPLACE(", s, ", '(?-i)( (", absl::StrJoin(words, "|"),
                          "))+$', '')");
    }
    default:
      break;
  }
  return value;
}

}  // namespace

std::unique_ptr<DuplicateStore> MakeMySqlDuplicateStore(sql::Connection& connection) {
  return std::make_unique<MySqlDuplicateStore>(connection);
}

std::string MySqlDuplicateRepository::KeySql(const MatchKey& key, std::string_view alias) {
  return NormalizedSql(key.normalizer, FieldSql(key.field, alias));
}

MySqlDuplicateRepository::MySqlDuplicateRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlDuplicateRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(DuplicateStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlDuplicateStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlDuplicateRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(DuplicateStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlDuplicateStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredDuplicateRule>> MySqlDuplicateRepository::GetRule(
    absl::Time deadline, int64_t id) {
  absl::StatusOr<std::optional<StoredDuplicateRule>> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    result = SelectRule(c, id, /*for_update=*/false);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<StoredDuplicateRule>> MySqlDuplicateRepository::ListRules(
    absl::Time deadline, const DuplicateRuleListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kRuleColumns, " FROM duplicate_rules r WHERE TRUE"));
  if (!list.show_deleted) query.Add(" AND r.delete_time IS NULL");
  common::AddConditions(query, list.conditions, &RuleColumnSql);
  const std::string sort =
      list.order == DuplicateRuleOrder::kCreateTime ? "r.create_time" : "r.display_name";
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND r.id", after, "))"),
              {list.after->first, list.after->first, list.after->second});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", r.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  absl::StatusOr<std::vector<StoredDuplicateRule>> rules;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    rules = ReadRules(c, query);
    return rules.status();
  });
  if (!status.ok()) return status;
  return rules;
}

absl::StatusOr<std::vector<StoredDuplicateRule>> MySqlDuplicateRepository::ListEnabledRules(
    absl::Time deadline) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kRuleColumns,
                         " FROM duplicate_rules r WHERE r.delete_time IS NULL AND r.enabled"
                         " ORDER BY r.id"));
  absl::StatusOr<std::vector<StoredDuplicateRule>> rules;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    rules = ReadRules(c, query);
    return rules.status();
  });
  if (!status.ok()) return status;
  return rules;
}

absl::StatusOr<std::vector<std::vector<int64_t>>> MySqlDuplicateRepository::FindKeyGroups(
    absl::Time deadline, const KeyGroupQuery& groups) {
  // One GROUP BY over the live customers on the binary form of the keys (the
  // table's collation would otherwise fold case and trailing spaces).
  std::vector<std::string> keys;
  for (const MatchKey& key : groups.keys) {
    keys.push_back(absl::StrCat("CAST(", KeySql(key, "c"), " AS BINARY)"));
  }
  SqlQuery query;
  query.Add(
      "SELECT MIN(c.id) AS first_id, GROUP_CONCAT(c.id ORDER BY c.create_time, c.id) AS ids "
      "FROM customers c");
  if (groups.customer_id.has_value()) {
    std::vector<std::string> own;
    std::vector<std::string> joins;
    for (size_t i = 0; i < groups.keys.size(); ++i) {
      own.push_back(absl::StrCat("CAST(", KeySql(groups.keys[i], "o"), " AS BINARY) AS k", i));
      joins.push_back(absl::StrCat(keys[i], " = me.k", i));
    }
    query.Add(absl::StrCat(" JOIN (SELECT ", absl::StrJoin(own, ", "),
                           " FROM customers o WHERE o.id = ? AND o.delete_time IS NULL) me ON ",
                           absl::StrJoin(joins, " AND ")),
              {*groups.customer_id});
  }
  query.Add(" WHERE c.delete_time IS NULL");
  for (const std::string& key : keys) query.Add(absl::StrCat(" AND ", key, " <> ''"));
  query.Add(absl::StrCat(" GROUP BY ", absl::StrJoin(keys, ", "),
                         " HAVING COUNT(*) > 1 AND MIN(c.id) > ? ORDER BY first_id LIMIT ?"),
            {groups.after_first_id, int64_t{groups.limit}});

  std::vector<std::vector<int64_t>> found;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, query);
    while (rows->next()) {
      std::vector<int64_t>& group = found.emplace_back();
      for (absl::string_view text : absl::StrSplit(common::ReadString(*rows, "ids"), ',')) {
        int64_t id = 0;
        if (!absl::SimpleAtoi(text, &id)) return absl::InternalError("unreadable group of ids");
        group.push_back(id);
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::StatusOr<std::vector<std::pair<int64_t, int64_t>>> MySqlDuplicateRepository::FindFuzzyPairs(
    absl::Time deadline, const FuzzyPairQuery& fuzzy) {
  // Blocking: each customer goes into two blocks (its first and its last three
  // characters); only pairs that share a block and whose lengths are close
  // are candidates.
  SqlQuery query;
  query.Add(
      absl::StrCat(
          "WITH v AS (SELECT c.id, ", KeySql(fuzzy.key, "c"),
          " AS k FROM customers c WHERE c.delete_time IS NULL),"
          " b AS (SELECT id, k, CAST(CONCAT('<', LEFT(k, 3)) AS BINARY) AS block FROM v WHERE k <> "
          "''"
          " UNION ALL SELECT id, k, CAST(CONCAT('>', RIGHT(k, 3)) AS BINARY) FROM v WHERE k <> '')"
          " SELECT DISTINCT x.id AS a, y.id AS b FROM b x JOIN b y ON y.block = x.block AND x.id < "
          "y.id"
          " WHERE ABS(CHAR_LENGTH(x.k) - CHAR_LENGTH(y.k)) <= ?"),
      {int64_t{fuzzy.max_distance}});
  if (fuzzy.customer_id.has_value()) {
    // Only the customer's own blocks are joined.
    query.Add(" AND x.block IN (SELECT block FROM b WHERE id = ?) AND (x.id = ? OR y.id = ?)",
              {*fuzzy.customer_id, *fuzzy.customer_id, *fuzzy.customer_id});
  }
  query.Add(" ORDER BY a, b");
  std::vector<std::pair<int64_t, int64_t>> pairs;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, query);
    while (rows->next()) pairs.emplace_back(rows->getInt64("a"), rows->getInt64("b"));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return pairs;
}

absl::StatusOr<std::optional<StoredMerge>> MySqlDuplicateRepository::GetMerge(absl::Time deadline,
                                                                              int64_t id) {
  absl::StatusOr<std::optional<StoredMerge>> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    result = SelectMerge(c, id, /*for_update=*/false);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<StoredMerge>> MySqlDuplicateRepository::ListMerges(
    absl::Time deadline, const MergeListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kMergeColumns, " FROM customer_merges m WHERE TRUE"));
  std::vector<MergeCondition> plain;
  for (const MergeCondition& condition : list.conditions) {
    if (condition.column != MergeColumn::kMergedCustomer) {
      plain.push_back(condition);
      continue;
    }
    query.Add(absl::StrCat(condition.match == common::Match::kNotEqual ? " AND NOT" : " AND",
                           " EXISTS (SELECT 1 FROM customer_merge_members mm"
                           " WHERE mm.merge_id = m.id AND mm.merged_id = ?)"),
              {std::get<int64_t>(condition.value)});
  }
  common::AddConditions(query, plain, &MergeColumnSql);
  if (list.before_id.has_value()) query.Add(" AND m.id < ?", {*list.before_id});
  query.Add(" ORDER BY m.id DESC LIMIT ?", {int64_t{list.limit}});
  absl::StatusOr<std::vector<StoredMerge>> merges;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    merges = ReadMerges(c, query);
    return merges.status();
  });
  if (!status.ok()) return status;
  return merges;
}

}  // namespace crm::customer
