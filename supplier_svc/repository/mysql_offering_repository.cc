#include "supplier_svc/repository/mysql_offering_repository.h"

#include <cppconn/connection.h>
#include <cppconn/resultset.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "common/mysql/versioned_update.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"

namespace crm::supplier {
namespace {

using common::SqlNull;
using common::SqlQuery;
using common::SqlValue;

constexpr std::string_view kOfferings = "offerings";
constexpr std::string_view kSuppliers = "suppliers";

constexpr char kOfferingColumns[] =
    "o.id, o.supplier_id, o.original_supplier_id, o.item, o.supplier_item_code, o.description, "
    "o.unit_price_minor, o.currency, o.minimum_quantity, o.lead_time_days, o.valid_from, "
    "o.valid_until, o.contract_id, o.version, o.create_time, o.update_time, o.delete_time";

constexpr char kWrittenColumns[] =
    "supplier_id = ?, item = ?, supplier_item_code = ?, description = ?, unit_price_minor = ?, "
    "currency = ?, minimum_quantity = ?, lead_time_days = ?, valid_from = ?, valid_until = ?, "
    "contract_id = ?, create_time = ?, update_time = ?, delete_time = ?";

std::string_view OfferingColumnSql(OfferingColumn column) {
  switch (column) {
    case OfferingColumn::kSupplier:
      return "o.supplier_id";
    case OfferingColumn::kItem:
      return "o.item";
    case OfferingColumn::kSupplierItemCode:
      return "o.supplier_item_code";
    case OfferingColumn::kContract:
      return "o.contract_id";
    case OfferingColumn::kValidFrom:
      return "o.valid_from";
    case OfferingColumn::kValidUntil:
      return "o.valid_until";
    case OfferingColumn::kCurrency:
      return "o.currency";
  }
  return "NULL";
}

std::string_view OrderColumnSql(OfferingOrder order) {
  switch (order) {
    case OfferingOrder::kUnitPrice:
      return "o.unit_price_minor";
    case OfferingOrder::kValidFrom:
      return "o.valid_from_sort";
    case OfferingOrder::kItem:
      break;
  }
  return "o.item";
}

SqlValue DateValue(const crm::common::v1::Date& date, bool set) {
  if (!set) return SqlNull{};
  return common::FormatIsoDate(common::FromDateMessage(date));
}

absl::Status ReadDate(const sql::ResultSet& row, const std::string& column,
                      crm::common::v1::Date* date) {
  if (row.isNull(column)) return absl::OkStatus();
  absl::StatusOr<common::CalendarDate> parsed =
      common::ParseIsoDate(common::ReadString(row, column));
  if (!parsed.ok()) return absl::InternalError(absl::StrCat("stored ", column, " is unreadable"));
  common::ToDateMessage(*parsed, date);
  return absl::OkStatus();
}

absl::StatusOr<StoredOffering> ReadOffering(const sql::ResultSet& row) {
  StoredOffering stored;
  stored.id = row.getInt64("id");
  stored.supplier_id = row.getInt64("supplier_id");
  stored.version = row.getInt64("version");
  v1::Offering& o = stored.offering;
  o.set_name(common::FormatResourceName(kOfferings, stored.id));
  o.set_supplier(common::FormatResourceName(kSuppliers, stored.supplier_id));
  if (!row.isNull("original_supplier_id")) {
    o.set_original_supplier(
        common::FormatResourceName(kSuppliers, row.getInt64("original_supplier_id")));
  }
  o.set_item(common::ReadString(row, "item"));
  o.set_supplier_item_code(common::ReadString(row, "supplier_item_code"));
  o.set_description(common::ReadString(row, "description"));
  o.mutable_unit_price()->set_amount_minor(row.getInt64("unit_price_minor"));
  o.mutable_unit_price()->set_currency_code(common::ReadString(row, "currency"));
  o.set_minimum_quantity(row.getInt64("minimum_quantity"));
  o.set_lead_time_days(row.getInt("lead_time_days"));
  if (absl::Status s = ReadDate(row, "valid_from", o.mutable_valid_from()); !s.ok()) return s;
  if (absl::Status s = ReadDate(row, "valid_until", o.mutable_valid_until()); !s.ok()) return s;
  if (row.isNull("valid_from")) o.clear_valid_from();
  if (row.isNull("valid_until")) o.clear_valid_until();
  if (!row.isNull("contract_id")) {
    o.set_contract(common::FormatResourceName("contracts", row.getInt64("contract_id")));
  }
  o.set_etag(common::FormatEtag(stored.version));
  absl::StatusOr<google::protobuf::Timestamp> created = common::ReadTimestamp(row, "create_time");
  if (!created.ok()) return created.status();
  *o.mutable_create_time() = *created;
  absl::StatusOr<google::protobuf::Timestamp> updated = common::ReadTimestamp(row, "update_time");
  if (!updated.ok()) return updated.status();
  *o.mutable_update_time() = *updated;
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> deleted =
      common::ReadOptionalTimestamp(row, "delete_time");
  if (!deleted.ok()) return deleted.status();
  if (deleted->has_value()) *o.mutable_delete_time() = **deleted;
  return stored;
}

absl::StatusOr<std::vector<SqlValue>> OfferingValues(const v1::Offering& o) {
  absl::StatusOr<int64_t> supplier_id =
      common::ParseResourceId("offering.supplier", o.supplier(), kSuppliers);
  if (!supplier_id.ok()) return supplier_id.status();
  SqlValue contract = SqlNull{};
  if (!o.contract().empty()) {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("offering.contract", o.contract(), "contracts");
    if (!id.ok()) return id.status();
    contract = *id;
  }
  return std::vector<SqlValue>{
      *supplier_id,
      o.item(),
      o.supplier_item_code(),
      o.description(),
      o.unit_price().amount_minor(),
      o.unit_price().currency_code(),
      o.minimum_quantity(),
      int64_t{o.lead_time_days()},
      DateValue(o.valid_from(), o.has_valid_from()),
      DateValue(o.valid_until(), o.has_valid_until()),
      contract,
      common::SqlTime(o.create_time()),
      common::SqlTime(o.update_time()),
      o.has_delete_time() ? SqlValue(common::SqlTime(o.delete_time())) : SqlValue(SqlNull{}),
  };
}

absl::StatusOr<std::vector<StoredOffering>> ReadAll(sql::Connection& connection,
                                                    const SqlQuery& query) {
  return common::QueryRows(connection, query, ReadOffering);
}

absl::StatusOr<std::optional<StoredOffering>> SelectOffering(sql::Connection& connection,
                                                             int64_t id, bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kOfferingColumns, " FROM offerings o WHERE o.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  absl::StatusOr<std::vector<StoredOffering>> rows = ReadAll(connection, query);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  return std::move(rows->front());
}

class MySqlOfferingStore final : public OfferingStore {
 public:
  explicit MySqlOfferingStore(sql::Connection& connection)
      : connection_(connection), suppliers_(MakeMySqlSupplierStore(connection)) {}

  SupplierStore& suppliers() override { return *suppliers_; }

  absl::StatusOr<std::optional<StoredOffering>> LockOffering(int64_t id) override {
    return SelectOffering(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<std::vector<StoredOffering>> ListLiveWithKey(const OfferingKey& key,
                                                              int64_t except_id) override {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT ", kOfferingColumns,
                           " FROM offerings o WHERE o.supplier_id = ? AND o.item = ?"
                           " AND o.currency = ? AND o.minimum_quantity = ? AND o.contract_id <=> ?"
                           " AND o.id <> ? AND o.delete_time IS NULL ORDER BY o.id FOR UPDATE"),
              {key.supplier_id, key.item, key.currency_code, key.minimum_quantity,
               key.contract_id.has_value() ? SqlValue(*key.contract_id) : SqlValue(SqlNull{}),
               except_id});
    return ReadAll(connection_, query);
  }

  absl::StatusOr<std::optional<ContractOwner>> FindContract(int64_t contract_id) override {
    SqlQuery query;
    query.Add("SELECT supplier_id FROM contracts WHERE id = ?", {contract_id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    return ContractOwner{row->getInt64("supplier_id")};
  }

  absl::StatusOr<StoredOffering> InsertOffering(const v1::Offering& offering) override {
    absl::StatusOr<std::vector<SqlValue>> values = OfferingValues(offering);
    if (!values.ok()) return values.status();
    SqlQuery insert;
    insert.text = absl::StrCat("INSERT INTO offerings SET ", kWrittenColumns, ", version = 1");
    insert.params = *std::move(values);
    common::Execute(connection_, insert);
    return Reread(common::LastInsertId(connection_));
  }

  absl::StatusOr<StoredOffering> UpdateOffering(const v1::Offering& offering,
                                                int64_t expected_version) override {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("offering.name", offering.name(), kOfferings);
    if (!id.ok()) return id.status();
    absl::StatusOr<std::vector<SqlValue>> values = OfferingValues(offering);
    if (!values.ok()) return values.status();
    if (absl::Status updated =
            common::UpdateAtVersion(connection_, "offerings", kWrittenColumns, *std::move(values),
                                    *id, expected_version, offering.name());
        !updated.ok()) {
      return updated;
    }
    return Reread(*id);
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<StoredOffering> Reread(int64_t id) {
    absl::StatusOr<std::optional<StoredOffering>> stored =
        SelectOffering(connection_, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("offering vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
  std::unique_ptr<SupplierStore> suppliers_;
};

}  // namespace

MySqlOfferingRepository::MySqlOfferingRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlOfferingRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(OfferingStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlOfferingStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlOfferingRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(OfferingStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlOfferingStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredOffering>> MySqlOfferingRepository::GetOffering(
    absl::Time deadline, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredOffering>> {
        return SelectOffering(c, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredOffering>> MySqlOfferingRepository::ListOfferings(
    absl::Time deadline, const OfferingListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kOfferingColumns, " FROM offerings o WHERE TRUE"));
  if (!list.show_deleted) query.Add(" AND o.delete_time IS NULL");
  common::AddConditions(query, list.conditions, &OfferingColumnSql);
  const std::string sort(OrderColumnSql(list.order));
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    const SqlValue value =
        std::visit([](const auto& v) -> SqlValue { return v; }, list.after->sort_value);
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND o.id", after, "))"),
              {value, value, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", o.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::vector<StoredOffering>> {
        return ReadAll(c, query);
      });
}

absl::StatusOr<std::vector<PriceCandidateRow>> MySqlOfferingRepository::FindPriceCandidates(
    absl::Time deadline, const PriceCandidateQuery& candidates) {
  const std::string date = common::FormatIsoDate(candidates.date);
  SqlQuery query;
  query.Add(
      "SELECT o.id, o.supplier_id, s.display_name, s.status, o.unit_price_minor, o.currency,"
      " o.lead_time_days, o.contract_id IS NOT NULL AS from_contract"
      " FROM offerings o JOIN suppliers s ON s.id = o.supplier_id"
      " WHERE o.item = ? AND o.delete_time IS NULL AND o.minimum_quantity <= ?"
      " AND (o.valid_from IS NULL OR o.valid_from <= ?)"
      " AND (o.valid_until IS NULL OR o.valid_until >= ?)"
      " AND s.delete_time IS NULL AND s.status IN (?, ?)",
      {candidates.item, candidates.quantity, date, date, int64_t{v1::SUPPLIER_STATUS_ACTIVE},
       int64_t{v1::SUPPLIER_STATUS_PREFERRED}});
  if (!candidates.currency_code.empty()) {
    query.Add(" AND o.currency = ?", {candidates.currency_code});
  }
  if (candidates.max_lead_time_days > 0) {
    query.Add(" AND o.lead_time_days <= ?", {int64_t{candidates.max_lead_time_days}});
  }
  query.Add(" ORDER BY o.currency, o.unit_price_minor, o.lead_time_days, o.id LIMIT ?",
            {int64_t{candidates.limit}});
  std::vector<PriceCandidateRow> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, query);
    while (rows->next()) {
      PriceCandidateRow& row = result.emplace_back();
      row.offering_id = rows->getInt64("id");
      row.supplier_id = rows->getInt64("supplier_id");
      row.supplier_display_name = common::ReadString(*rows, "display_name");
      row.supplier_status = static_cast<v1::SupplierStatus>(rows->getInt("status"));
      row.unit_price_minor = rows->getInt64("unit_price_minor");
      row.currency_code = common::ReadString(*rows, "currency");
      row.lead_time_days = rows->getInt("lead_time_days");
      row.from_contract = rows->getInt("from_contract") != 0;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace crm::supplier
