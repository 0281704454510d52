#include "supplier_svc/repository/mysql_supplier_repository.h"

#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "common/mysql/versioned_update.h"
#include "crm/supplier/v1/contract.pb.h"
#include "crm/supplier/v1/purchase_order.pb.h"

namespace crm::supplier {
namespace {

using common::AddConditions;
using common::SqlNull;
using common::SqlQuery;
using common::SqlValue;

constexpr std::string_view kSuppliers = "suppliers";

std::string_view SupplierColumnSql(SupplierColumn column) {
  switch (column) {
    case SupplierColumn::kDisplayName: return "s.display_name";
    case SupplierColumn::kStatus: return "s.status";
    case SupplierColumn::kIntegrationLevel: return "s.integration_level";
    case SupplierColumn::kWebDomain: return "s.web_domain";
    case SupplierColumn::kTaxId: return "s.tax_id";
    case SupplierColumn::kConsolidatedInto: return "s.consolidated_into_id";
    case SupplierColumn::kRelationshipStartDate: return "s.relationship_start_date";
    case SupplierColumn::kRegionCode: return "s.region_code";
    case SupplierColumn::kCreateTime: return "s.create_time";
    case SupplierColumn::kCategory: break;  // see AddSupplierConditions
  }
  return "NULL";
}

std::string_view StatusChangeColumnSql(StatusChangeColumn column) {
  switch (column) {
    case StatusChangeColumn::kFromStatus: return "h.from_status";
    case StatusChangeColumn::kToStatus: return "h.to_status";
    case StatusChangeColumn::kConsolidation: return "h.consolidation_id";
    case StatusChangeColumn::kChangeTime: return "h.change_time";
  }
  return "NULL";
}

std::string_view OrderColumnSql(SupplierOrder order) {
  switch (order) {
    case SupplierOrder::kCreateTime: return "s.create_time";
    case SupplierOrder::kRelationshipStartDate: return "s.start_date_sort";
    case SupplierOrder::kDisplayName: break;
  }
  return "s.display_name";
}

// Conditions on categories test membership in supplier_categories; the rest
// compare columns of `suppliers s`.
void AddSupplierConditions(SqlQuery& query, const std::vector<SupplierCondition>& conditions) {
  std::vector<SupplierCondition> columns;
  for (const SupplierCondition& condition : conditions) {
    if (condition.column != SupplierColumn::kCategory) {
      columns.push_back(condition);
      continue;
    }
    const bool negated = condition.match == common::Match::kNotEqual;
    query.Add(absl::StrCat(" AND ", negated ? "NOT " : "",
                           "EXISTS (SELECT 1 FROM supplier_categories fc"
                           " WHERE fc.supplier_id = s.id AND fc.category = ?)"),
              {std::get<int64_t>(condition.value)});
  }
  AddConditions(query, columns, &SupplierColumnSql);
}

constexpr char kSupplierColumns[] =
    "s.id, s.display_name, s.legal_name, s.web_domain, s.tax_id, s.status, "
    "s.consolidated_into_id, s.integration_level, s.relationship_start_date, s.details, "
    "s.version, s.create_time, s.update_time, s.delete_time, s.category_list";

// What goes into `details`: the fields that have no column.
std::string DetailsBytes(const v1::Supplier& supplier) {
  v1::Supplier details;
  *details.mutable_contacts() = supplier.contacts();
  *details.mutable_postal_address() = supplier.postal_address();
  *details.mutable_qualifications() = supplier.qualifications();
  *details.mutable_data_sharing_agreement() = supplier.data_sharing_agreement();
  return details.SerializeAsString();
}

absl::StatusOr<StoredSupplier> ReadSupplier(const sql::ResultSet& row) {
  StoredSupplier stored;
  stored.id = row.getInt64("id");
  stored.version = row.getInt64("version");
  v1::Supplier& supplier = stored.supplier;
  if (!supplier.ParseFromString(common::ReadString(row, "details"))) {
    return absl::InternalError("stored supplier details are unreadable");
  }
  supplier.set_name(common::FormatResourceName(kSuppliers, stored.id));
  supplier.set_display_name(common::ReadString(row, "display_name"));
  supplier.set_legal_name(common::ReadString(row, "legal_name"));
  if (!row.isNull("web_domain")) {
    supplier.mutable_organization_key()->set_web_domain(common::ReadString(row, "web_domain"));
  }
  if (!row.isNull("tax_id")) {
    supplier.mutable_organization_key()->set_tax_id(common::ReadString(row, "tax_id"));
  }
  supplier.set_status(static_cast<v1::SupplierStatus>(row.getInt("status")));
  if (!row.isNull("consolidated_into_id")) {
    supplier.set_consolidated_into(
        common::FormatResourceName(kSuppliers, row.getInt64("consolidated_into_id")));
  }
  supplier.set_integration_level(static_cast<v1::IntegrationLevel>(row.getInt("integration_level")));
  if (!row.isNull("relationship_start_date")) {
    absl::StatusOr<common::CalendarDate> date =
        common::ParseIsoDate(common::ReadString(row, "relationship_start_date"));
    if (!date.ok()) return absl::InternalError("stored relationship_start_date is unreadable");
    common::ToDateMessage(*date, supplier.mutable_relationship_start_date());
  }
  const std::string categories = common::ReadString(row, "category_list");
  if (!categories.empty()) {
    for (absl::string_view category : absl::StrSplit(categories, ',')) {
      int value = 0;
      if (!absl::SimpleAtoi(category, &value)) {
        return absl::InternalError("stored supplier categories are unreadable");
      }
      supplier.add_categories(static_cast<v1::SupplierCategory>(value));
    }
  }
  supplier.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"create_time", supplier.mutable_create_time()},
           {"update_time", supplier.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> deleted =
      common::ReadOptionalTimestamp(row, "delete_time");
  if (!deleted.ok()) return deleted.status();
  if (deleted->has_value()) *supplier.mutable_delete_time() = **deleted;
  return stored;
}

// The values of the columns a supplier writes, in kWrittenColumns order.
absl::StatusOr<std::vector<SqlValue>> SupplierValues(const v1::Supplier& supplier) {
  auto optional_text = [](const std::string& text) -> SqlValue {
    if (text.empty()) return SqlNull{};
    return text;
  };
  SqlValue consolidated_into = SqlNull{};
  if (!supplier.consolidated_into().empty()) {
    absl::StatusOr<int64_t> id = common::ParseResourceId(
        "supplier.consolidated_into", supplier.consolidated_into(), kSuppliers);
    if (!id.ok()) return id.status();
    consolidated_into = *id;
  }
  SqlValue start_date = SqlNull{};
  if (supplier.has_relationship_start_date()) {
    start_date = common::FormatIsoDate(common::FromDateMessage(supplier.relationship_start_date()));
  }
  std::vector<int> categories(supplier.categories().begin(), supplier.categories().end());
  std::sort(categories.begin(), categories.end());
  const crm::common::v1::OrganizationKey& key = supplier.organization_key();
  return std::vector<SqlValue>{
      supplier.display_name(),
      supplier.legal_name(),
      optional_text(key.web_domain()),
      optional_text(key.tax_id()),
      int64_t{supplier.status()},
      consolidated_into,
      int64_t{supplier.integration_level()},
      absl::StrJoin(categories, ","),
      supplier.postal_address().region_code(),
      start_date,
      DetailsBytes(supplier),
      common::SqlTime(supplier.create_time()),
      common::SqlTime(supplier.update_time()),
      supplier.has_delete_time() ? SqlValue(common::SqlTime(supplier.delete_time()))
                                 : SqlValue(SqlNull{}),
  };
}

constexpr char kWrittenColumns[] =
    "display_name = ?, legal_name = ?, web_domain = ?, tax_id = ?, status = ?, "
    "consolidated_into_id = ?, integration_level = ?, category_list = ?, region_code = ?, "
    "relationship_start_date = ?, details = ?, create_time = ?, update_time = ?, delete_time = ?";

absl::StatusOr<std::optional<StoredSupplier>> SelectSupplier(sql::Connection& connection,
                                                             int64_t id, bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kSupplierColumns, " FROM suppliers s WHERE s.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  common::QueryResult row = common::Query(connection, query);
  if (!row->next()) return std::nullopt;
  absl::StatusOr<StoredSupplier> supplier = ReadSupplier(*row);
  if (!supplier.ok()) return supplier.status();
  return *std::move(supplier);
}

absl::StatusOr<StoredStatusChange> ReadStatusChange(const sql::ResultSet& row) {
  StoredStatusChange stored;
  stored.id = row.getInt64("id");
  stored.supplier_id = row.getInt64("supplier_id");
  v1::SupplierStatusChange& change = stored.change;
  change.set_name(common::FormatNestedResourceName(
      {{kSuppliers, stored.supplier_id}, {"statusChanges", stored.id}}));
  change.set_from_status(static_cast<v1::SupplierStatus>(row.getInt("from_status")));
  change.set_to_status(static_cast<v1::SupplierStatus>(row.getInt("to_status")));
  change.set_reason(common::ReadString(row, "reason"));
  if (!row.isNull("consolidated_into_id")) {
    change.set_consolidated_into(
        common::FormatResourceName(kSuppliers, row.getInt64("consolidated_into_id")));
  }
  if (!row.isNull("consolidation_id")) {
    change.set_consolidation(
        common::FormatResourceName("consolidations", row.getInt64("consolidation_id")));
  }
  change.set_actor(common::ReadString(row, "actor"));
  absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, "change_time");
  if (!time.ok()) return time.status();
  *change.mutable_change_time() = *time;
  return stored;
}

class MySqlSupplierStore final : public SupplierStore {
 public:
  explicit MySqlSupplierStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<StoredSupplier>> LockSupplier(int64_t id) override {
    return SelectSupplier(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<std::optional<int64_t>> FindLiveByWebDomain(std::string_view web_domain,
                                                             int64_t except_id) override {
    return FindLive("live_web_domain", web_domain, except_id);
  }

  absl::StatusOr<std::optional<int64_t>> FindLiveByTaxId(std::string_view tax_id,
                                                         int64_t except_id) override {
    return FindLive("live_tax_id", tax_id, except_id);
  }

  absl::StatusOr<StoredSupplier> InsertSupplier(const v1::Supplier& supplier) override {
    absl::StatusOr<std::vector<SqlValue>> values = SupplierValues(supplier);
    if (!values.ok()) return values.status();
    SqlQuery insert;
    insert.text = absl::StrCat("INSERT INTO suppliers SET ", kWrittenColumns, ", version = 1");
    insert.params = *std::move(values);
    common::Execute(connection_, insert);
    const int64_t id = common::LastInsertId(connection_);
    WriteCategories(id, supplier);
    return Reread(id);
  }

  absl::StatusOr<StoredSupplier> UpdateSupplier(const v1::Supplier& supplier,
                                                int64_t expected_version) override {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("supplier.name", supplier.name(), kSuppliers);
    if (!id.ok()) return id.status();
    absl::StatusOr<std::vector<SqlValue>> values = SupplierValues(supplier);
    if (!values.ok()) return values.status();
    if (absl::Status updated =
            common::UpdateAtVersion(connection_, "suppliers", kWrittenColumns, *std::move(values),
                                    *id, expected_version, supplier.name());
        !updated.ok()) {
      return updated;
    }
    SqlQuery clear;
    clear.Add("DELETE FROM supplier_categories WHERE supplier_id = ?", {*id});
    common::Execute(connection_, clear);
    WriteCategories(*id, supplier);
    return Reread(*id);
  }

  absl::StatusOr<StoredStatusChange> InsertStatusChange(
      int64_t supplier_id, const v1::SupplierStatusChange& change) override {
    SqlValue keeper = SqlNull{};
    if (!change.consolidated_into().empty()) {
      absl::StatusOr<int64_t> id = common::ParseResourceId(
          "status_change.consolidated_into", change.consolidated_into(), kSuppliers);
      if (!id.ok()) return id.status();
      keeper = *id;
    }
    SqlValue consolidation = SqlNull{};
    if (!change.consolidation().empty()) {
      absl::StatusOr<int64_t> id = common::ParseResourceId(
          "status_change.consolidation", change.consolidation(), "consolidations");
      if (!id.ok()) return id.status();
      consolidation = *id;
    }
    SqlQuery insert;
    insert.Add(
        "INSERT INTO supplier_status_changes (supplier_id, from_status, to_status, reason, "
        "consolidated_into_id, consolidation_id, actor, change_time) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {supplier_id, int64_t{change.from_status()}, int64_t{change.to_status()},
         change.reason(), keeper, consolidation, change.actor(),
         common::SqlTime(change.change_time())});
    common::Execute(connection_, insert);
    StoredStatusChange stored;
    stored.id = common::LastInsertId(connection_);
    stored.supplier_id = supplier_id;
    stored.change = change;
    stored.change.set_name(common::FormatNestedResourceName(
        {{kSuppliers, supplier_id}, {"statusChanges", stored.id}}));
    return stored;
  }

  absl::StatusOr<std::string> DescribeOpenCommitments(
      int64_t supplier_id, const common::CalendarDate& today) override {
    SqlQuery query;
    query.Add(
        "SELECT (SELECT COUNT(*) FROM purchase_orders p WHERE p.supplier_id = ?"
        "  AND p.status IN (?, ?)) AS open_orders,"
        " (SELECT COUNT(*) FROM contracts k WHERE k.supplier_id = ? AND k.state = ?"
        "  AND k.end_date >= ?) AS active_contracts",
        {supplier_id, int64_t{v1::PURCHASE_ORDER_STATUS_OPEN},
         int64_t{v1::PURCHASE_ORDER_STATUS_CONFIRMED}, supplier_id,
         int64_t{v1::CONTRACT_STATE_ACTIVE}, common::FormatIsoDate(today)});
    common::QueryResult row = common::Query(connection_, query);
    row->next();
    std::vector<std::string> parts;
    if (const int64_t n = row->getInt64("open_orders"); n > 0) {
      parts.push_back(absl::StrCat(n, n == 1 ? " open purchase order" : " open purchase orders"));
    }
    if (const int64_t n = row->getInt64("active_contracts"); n > 0) {
      parts.push_back(absl::StrCat(n, n == 1 ? " active contract" : " active contracts"));
    }
    return absl::StrJoin(parts, " and ");
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  void WriteCategories(int64_t id, const v1::Supplier& supplier) {
    if (supplier.categories().empty()) return;
    SqlQuery insert;
    insert.Add("INSERT INTO supplier_categories (supplier_id, category) VALUES ");
    for (int i = 0; i < supplier.categories_size(); ++i) {
      insert.Add(i == 0 ? "(?, ?)" : ", (?, ?)", {id, int64_t{supplier.categories(i)}});
    }
    common::Execute(connection_, insert);
  }

  absl::StatusOr<std::optional<int64_t>> FindLive(const char* column, std::string_view value,
                                                  int64_t except_id) {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT id FROM suppliers WHERE ", column, " = ? AND id <> ? LIMIT 1"),
              {std::string(value), except_id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    return row->getInt64(1);
  }

  absl::StatusOr<StoredSupplier> Reread(int64_t id) {
    absl::StatusOr<std::optional<StoredSupplier>> stored =
        SelectSupplier(connection_, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("supplier vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
};

}  // namespace

absl::StatusOr<std::map<int64_t, StoredSupplier>> LockSuppliersById(
    sql::Connection& connection, const std::vector<int64_t>& ids) {
  std::map<int64_t, StoredSupplier> result;
  if (ids.empty()) return result;
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kSupplierColumns, " FROM suppliers s WHERE s.id IN (",
                         common::Placeholders(ids.size()), ") ORDER BY s.id FOR UPDATE"));
  for (int64_t id : ids) query.params.emplace_back(id);
  common::QueryResult rows = common::Query(connection, query);
  while (rows->next()) {
    absl::StatusOr<StoredSupplier> supplier = ReadSupplier(*rows);
    if (!supplier.ok()) return supplier.status();
    const int64_t id = supplier->id;
    result.emplace(id, *std::move(supplier));
  }
  return result;
}

void AddSupplierFilterConditions(common::SqlQuery& query,
                                 const std::vector<SupplierCondition>& conditions) {
  AddSupplierConditions(query, conditions);
}

std::unique_ptr<SupplierStore> MakeMySqlSupplierStore(sql::Connection& connection) {
  return std::make_unique<MySqlSupplierStore>(connection);
}

MySqlSupplierRepository::MySqlSupplierRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlSupplierRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(SupplierStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlSupplierStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlSupplierRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(SupplierStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlSupplierStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredSupplier>> MySqlSupplierRepository::GetSupplier(
    absl::Time deadline, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredSupplier>> {
        return SelectSupplier(c, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredSupplier>> MySqlSupplierRepository::ListSuppliers(
    absl::Time deadline, const SupplierListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kSupplierColumns, " FROM suppliers s WHERE TRUE"));
  if (!list.show_deleted) query.Add(" AND s.delete_time IS NULL");
  AddSupplierConditions(query, list.conditions);
  const std::string sort(OrderColumnSql(list.order));
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND s.id", after, "))"),
              {list.after->sort_value, list.after->sort_value, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", s.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});

  return common::ReadRows(pool_, deadline, query, ReadSupplier);
}

absl::StatusOr<std::vector<StoredStatusChange>> MySqlSupplierRepository::ListStatusChanges(
    absl::Time deadline, const StatusChangeListQuery& list) {
  SqlQuery query;
  query.Add(
      "SELECT h.id, h.supplier_id, h.from_status, h.to_status, h.reason, h.consolidated_into_id, "
      "h.consolidation_id, h.actor, h.change_time FROM supplier_status_changes h WHERE TRUE");
  if (list.supplier_id.has_value()) query.Add(" AND h.supplier_id = ?", {*list.supplier_id});
  AddConditions(query, list.conditions, &StatusChangeColumnSql);
  if (list.before_id.has_value()) query.Add(" AND h.id < ?", {*list.before_id});
  query.Add(" ORDER BY h.id DESC LIMIT ?", {int64_t{list.limit}});

  return common::ReadRows(pool_, deadline, query, ReadStatusChange);
}

absl::StatusOr<v1::SupplierSummary> MySqlSupplierRepository::ComputeSummary(
    absl::Time deadline, const std::vector<SupplierCondition>& conditions,
    absl::Time spend_since) {
  // The suppliers counted, as a derived table every figure joins.
  SqlQuery counted;
  counted.Add("SELECT s.id, s.status FROM suppliers s WHERE s.delete_time IS NULL");
  AddSupplierConditions(counted, conditions);

  auto over_counted = [&](std::string_view select, std::string_view rest,
                          std::initializer_list<SqlValue> trailing = {}) {
    SqlQuery query;
    query.text = absl::StrCat(std::string(select), " FROM (", counted.text, ") m", std::string(rest));
    query.params = counted.params;
    query.params.insert(query.params.end(), trailing.begin(), trailing.end());
    return query;
  };
  const SqlQuery by_status =
      over_counted("SELECT m.status, COUNT(*) AS n", " GROUP BY m.status ORDER BY m.status");
  const SqlQuery by_category = over_counted(
      "SELECT c.category, COUNT(*) AS n",
      " JOIN supplier_categories c ON c.supplier_id = m.id GROUP BY c.category ORDER BY c.category");
  const SqlQuery spend = over_counted(
      "SELECT p.total_currency AS currency, SUM(p.total_minor) AS amount",
      " JOIN purchase_orders p ON p.supplier_id = m.id WHERE p.status <> ? AND p.create_time >= ?"
      " GROUP BY p.total_currency ORDER BY p.total_currency",
      {int64_t{v1::PURCHASE_ORDER_STATUS_CANCELLED},
       common::FormatMysqlDatetime(spend_since)});

  v1::SupplierSummary summary;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, by_status);
    while (rows->next()) {
      v1::SupplierStatusCount& count = *summary.add_status_counts();
      count.set_status(static_cast<v1::SupplierStatus>(rows->getInt("status")));
      count.set_count(rows->getInt64("n"));
      summary.set_supplier_count(summary.supplier_count() + count.count());
    }
    rows = common::Query(c, by_category);
    while (rows->next()) {
      v1::SupplierCategoryCount& count = *summary.add_category_counts();
      count.set_category(static_cast<v1::SupplierCategory>(rows->getInt("category")));
      count.set_count(rows->getInt64("n"));
    }
    rows = common::Query(c, spend);
    while (rows->next()) {
      crm::common::v1::Money& money = *summary.add_spend_amounts();
      money.set_currency_code(common::ReadString(*rows, "currency"));
      money.set_amount_minor(rows->getInt64("amount"));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return summary;
}

}  // namespace crm::supplier
