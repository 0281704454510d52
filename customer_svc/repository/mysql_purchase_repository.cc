#include "customer_svc/repository/mysql_purchase_repository.h"

#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "customer_svc/repository/mysql_parent_customer.h"
#include "crm/customer/v1/interaction.pb.h"

namespace crm::customer {
namespace {

using common::SqlNull;
using common::SqlQuery;
using common::SqlValue;

constexpr char kPurchaseColumns[] =
    "p.id, p.customer_id, p.order_reference, p.sku, p.description, p.quantity, "
    "p.unit_price_minor, p.amount_minor, p.currency, p.price_rule_kind, p.price_rule, "
    "p.price_rule_description, p.purchase_time, p.state, p.supplier_id, p.original_supplier_id, "
    "p.version, p.create_time, p.update_time, p.delete_time";

std::string_view PurchaseColumnSql(PurchaseColumn column) {
  switch (column) {
    case PurchaseColumn::kSku:
      return "p.sku";
    case PurchaseColumn::kStatus:
      return "p.state";
    case PurchaseColumn::kSupplier:
      return "p.supplier_id";
    case PurchaseColumn::kPurchaseTime:
      return "p.purchase_time";
    case PurchaseColumn::kOrderReference:
      return "p.order_reference";
  }
  return "NULL";
}

absl::StatusOr<StoredPurchase> ReadPurchase(const sql::ResultSet& row) {
  StoredPurchase stored;
  stored.id = row.getInt64("id");
  stored.customer_id = row.getInt64("customer_id");
  stored.version = row.getInt64("version");
  v1::Purchase& p = stored.purchase;
  p.set_name(common::FormatNestedResourceName(
      {{"customers", stored.customer_id}, {"purchases", stored.id}}));
  p.set_order_reference(common::ReadString(row, "order_reference"));
  p.set_sku(common::ReadString(row, "sku"));
  p.set_description(common::ReadString(row, "description"));
  p.set_quantity(row.getInt64("quantity"));
  const std::string currency = common::ReadString(row, "currency");
  p.mutable_unit_price()->set_amount_minor(row.getInt64("unit_price_minor"));
  p.mutable_unit_price()->set_currency_code(currency);
  p.mutable_amount()->set_amount_minor(row.getInt64("amount_minor"));
  p.mutable_amount()->set_currency_code(currency);
  const int rule_kind = row.getInt("price_rule_kind");
  std::string rule = common::ReadString(row, "price_rule");
  std::string rule_description = common::ReadString(row, "price_rule_description");
  if (rule_kind != 0 || !rule.empty() || !rule_description.empty()) {
    p.mutable_price_rule()->set_kind(static_cast<v1::PriceRuleKind>(rule_kind));
    p.mutable_price_rule()->set_rule(std::move(rule));
    p.mutable_price_rule()->set_description(std::move(rule_description));
  }
  p.set_status(static_cast<v1::PurchaseStatus>(row.getInt("state")));
  p.set_supplier(common::FormatResourceName("suppliers", row.getInt64("supplier_id")));
  if (!row.isNull("original_supplier_id")) {
    p.set_original_supplier(
        common::FormatResourceName("suppliers", row.getInt64("original_supplier_id")));
  }
  p.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"purchase_time", p.mutable_purchase_time()},
           {"create_time", p.mutable_create_time()},
           {"update_time", p.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> deleted =
      common::ReadOptionalTimestamp(row, "delete_time");
  if (!deleted.ok()) return deleted.status();
  if (deleted->has_value()) *p.mutable_delete_time() = **deleted;
  return stored;
}

absl::StatusOr<std::vector<StoredPurchase>> ReadPurchases(sql::ResultSet& rows) {
  std::vector<StoredPurchase> result;
  while (rows.next()) {
    absl::StatusOr<StoredPurchase> purchase = ReadPurchase(rows);
    if (!purchase.ok()) return purchase.status();
    result.push_back(*std::move(purchase));
  }
  return result;
}

int64_t SupplierId(const std::string& name) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("supplier", name, "suppliers");
  return id.ok() ? *id : 0;
}

// The written columns' values, in the order of kWrittenColumns.
constexpr char kWrittenColumns[] =
    "order_reference = ?, sku = ?, description = ?, quantity = ?, unit_price_minor = ?, "
    "amount_minor = ?, currency = ?, price_rule_kind = ?, price_rule = ?, "
    "price_rule_description = ?, purchase_time = ?, state = ?, supplier_id = ?, "
    "original_supplier_id = ?, create_time = ?, update_time = ?, delete_time = ?";

std::vector<SqlValue> WrittenValues(const v1::Purchase& p) {
  return {p.order_reference(),
          p.sku(),
          p.description(),
          p.quantity(),
          p.unit_price().amount_minor(),
          p.amount().amount_minor(),
          p.unit_price().currency_code(),
          int64_t{p.price_rule().kind()},
          p.price_rule().rule(),
          p.price_rule().description(),
          common::SqlTime(p.purchase_time()),
          int64_t{p.status()},
          SupplierId(p.supplier()),
          p.original_supplier().empty() ? SqlValue(SqlNull{})
                                        : SqlValue(SupplierId(p.original_supplier())),
          common::SqlTime(p.create_time()),
          common::SqlTime(p.update_time()),
          p.has_delete_time() ? SqlValue(common::SqlTime(p.delete_time())) : SqlValue(SqlNull{})};
}

absl::StatusOr<std::optional<StoredPurchase>> SelectPurchase(sql::Connection& connection,
                                                             int64_t customer_id, int64_t id,
                                                             bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kPurchaseColumns,
                         " FROM purchases p WHERE p.id = ? AND p.customer_id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id, customer_id});
  return common::QueryOptionalRow(connection, query, ReadPurchase);
}

class MySqlPurchaseStore final : public PurchaseStore {
 public:
  explicit MySqlPurchaseStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<PurchaseCustomer>> LockCustomer(int64_t customer_id) override {
    std::optional<ParentCustomer> customer =
        SelectParentCustomer(connection_, customer_id, /*share_lock=*/true);
    if (!customer.has_value()) return std::nullopt;
    return PurchaseCustomer{customer_id, customer->deleted};
  }

  absl::StatusOr<std::optional<StoredPurchase>> LockPurchase(int64_t customer_id,
                                                             int64_t id) override {
    return SelectPurchase(connection_, customer_id, id, /*for_update=*/true);
  }

  absl::StatusOr<StoredPurchase> InsertPurchase(int64_t customer_id,
                                                const v1::Purchase& purchase) override {
    SqlQuery insert;
    insert.Add(
        absl::StrCat("INSERT INTO purchases SET customer_id = ?, version = 1, ", kWrittenColumns),
        {customer_id});
    for (SqlValue& value : WrittenValues(purchase)) insert.params.push_back(std::move(value));
    common::Execute(connection_, insert);
    const int64_t id = common::LastInsertId(connection_);
    absl::StatusOr<std::optional<StoredPurchase>> stored =
        SelectPurchase(connection_, customer_id, id, /*for_update=*/false);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("inserted purchase vanished");
    return **std::move(stored);
  }

  absl::StatusOr<StoredPurchase> UpdatePurchase(const StoredPurchase& stored,
                                                const v1::Purchase& purchase) override {
    SqlQuery update;
    update.Add(absl::StrCat("UPDATE purchases SET version = version + 1, ", kWrittenColumns));
    for (SqlValue& value : WrittenValues(purchase)) update.params.push_back(std::move(value));
    update.Add(" WHERE id = ? AND version = ?", {stored.id, stored.version});
    if (common::Execute(connection_, update) != 1) {
      return absl::AbortedError(
          absl::StrCat(stored.purchase.name(), " was modified concurrently; re-read and retry"));
    }
    absl::StatusOr<std::optional<StoredPurchase>> result =
        SelectPurchase(connection_, stored.customer_id, stored.id, /*for_update=*/false);
    if (!result.ok()) return result.status();
    if (!result->has_value()) return absl::InternalError("updated purchase vanished");
    return **std::move(result);
  }

  absl::StatusOr<std::vector<StoredPurchase>> LockOpenPurchasesOfSupplier(
      int64_t supplier_id) override {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT ", kPurchaseColumns,
                           " FROM purchases p WHERE p.supplier_id = ? AND p.state = ? "
                           "AND p.delete_time IS NULL ORDER BY p.id FOR UPDATE"),
              {supplier_id, int64_t{v1::PURCHASE_STATUS_OPEN}});
    common::QueryResult rows = common::Query(connection_, query);
    return ReadPurchases(*rows);
  }

  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> AccountManagers(
      const std::vector<int64_t>& customer_ids) override {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT id, account_manager FROM customers WHERE id IN (",
                           common::Placeholders(customer_ids.size()), ") ORDER BY id"));
    for (int64_t id : customer_ids) query.params.push_back(id);
    common::QueryResult rows = common::Query(connection_, query);
    std::vector<std::pair<int64_t, std::string>> result;
    while (rows->next()) {
      result.emplace_back(rows->getInt64("id"), common::ReadString(*rows, "account_manager"));
    }
    return result;
  }

  absl::Status InsertReplacement(int64_t from_supplier_id, int64_t to_supplier_id,
                                 std::string_view request_id, std::string_view reference,
                                 int64_t count, absl::Time time) override {
    SqlQuery insert;
    insert.Add(
        "INSERT INTO purchase_supplier_replacements (from_supplier_id, to_supplier_id, "
        "request_id, reference, repointed_purchase_count, create_time) VALUES (?, ?, ?, ?, ?, ?)",
        {from_supplier_id, to_supplier_id, std::string(request_id), std::string(reference), count,
         common::FormatMysqlDatetime(time)});
    common::Execute(connection_, insert);
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> InsertSupplierChangeInteraction(
      int64_t customer_id, std::string_view employee, std::string_view subject,
      std::string_view summary, const std::vector<std::string>& related_resources,
      absl::Time time) override {
    // The interactions table of V004: repeated fields serialized in `details`,
    // related resources also one per row.
    v1::Interaction details;
    for (const std::string& resource : related_resources) details.add_related_resources(resource);
    const std::string now = common::FormatMysqlDatetime(time);
    SqlQuery insert;
    insert.Add(
        "INSERT INTO interactions (customer_id, channel, direction, subject, summary, sentiment, "
        "occur_time, employee, details, version, create_time, update_time) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        {customer_id, int64_t{v1::INTERACTION_CHANNEL_NOTE},
         int64_t{v1::INTERACTION_DIRECTION_UNSPECIFIED}, std::string(subject), std::string(summary),
         int64_t{0}, now, std::string(employee), details.SerializeAsString(), now, now});
    common::Execute(connection_, insert);
    const int64_t id = common::LastInsertId(connection_);
    for (size_t i = 0; i < related_resources.size(); ++i) {
      SqlQuery related;
      related.Add(
          "INSERT INTO interaction_related_resources (interaction_id, position, resource) "
          "VALUES (?, ?, ?)",
          {id, static_cast<int64_t>(i), related_resources[i]});
      common::Execute(connection_, related);
    }
    return common::FormatNestedResourceName({{"customers", customer_id}, {"interactions", id}});
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  sql::Connection& connection_;
};

}  // namespace

MySqlPurchaseRepository::MySqlPurchaseRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlPurchaseRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(PurchaseStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlPurchaseStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlPurchaseRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(PurchaseStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlPurchaseStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredPurchase>> MySqlPurchaseRepository::GetPurchase(
    absl::Time deadline, int64_t customer_id, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredPurchase>> {
        return SelectPurchase(c, customer_id, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredPurchase>> MySqlPurchaseRepository::ListPurchases(
    absl::Time deadline, const PurchaseListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kPurchaseColumns, " FROM purchases p WHERE TRUE"));
  if (list.customer_id.has_value()) query.Add(" AND p.customer_id = ?", {*list.customer_id});
  if (!list.show_deleted) query.Add(" AND p.delete_time IS NULL");
  common::AddConditions(query, list.conditions, &PurchaseColumnSql);
  const std::string sort =
      list.order == PurchaseOrder::kAmount ? "p.amount_minor" : "p.purchase_time";
  const char* op = list.descending ? "<" : ">";
  if (list.after_sort_value.has_value()) {
    SqlValue value = list.order == PurchaseOrder::kAmount
                         ? SqlValue(static_cast<int64_t>(std::stoll(*list.after_sort_value)))
                         : SqlValue(*list.after_sort_value);
    query.Add(absl::StrCat(" AND (", sort, " ", op, " ? OR (", sort, " = ? AND p.id ", op, " ?))"),
              {value, value, list.after_id});
  }
  const char* direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", p.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  absl::StatusOr<std::vector<StoredPurchase>> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, query);
    result = ReadPurchases(*rows);
    return result.status();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<DependentRow>> MySqlPurchaseRepository::ListDependents(
    absl::Time deadline, const DependentQuery& list) {
  // Which purchases count: live ones of live customers from the suppliers,
  // OPEN only unless include_closed.
  auto add_scope = [&](SqlQuery& query) {
    query.Add(
        absl::StrCat(" FROM purchases p JOIN customers c ON c.id = p.customer_id"
                     " WHERE p.delete_time IS NULL AND c.delete_time IS NULL"
                     " AND p.supplier_id IN (",
                     common::Placeholders(list.supplier_ids.size()), ")"));
    for (int64_t id : list.supplier_ids) query.params.push_back(id);
    if (!list.include_closed) query.Add(" AND p.state = ?", {int64_t{v1::PURCHASE_STATUS_OPEN}});
  };
  SqlQuery pairs;
  pairs.Add(
      "SELECT p.customer_id, p.supplier_id, MIN(c.display_name) AS display_name, "
      "MIN(c.account_manager) AS account_manager, COUNT(*) AS purchase_count");
  add_scope(pairs);
  if (list.after.has_value()) {
    pairs.Add(" AND (p.customer_id > ? OR (p.customer_id = ? AND p.supplier_id > ?))",
              {list.after->first, list.after->first, list.after->second});
  }
  pairs.Add(" GROUP BY p.customer_id, p.supplier_id ORDER BY p.customer_id, p.supplier_id LIMIT ?",
            {int64_t{list.limit}});

  std::vector<DependentRow> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, pairs);
    std::map<std::pair<int64_t, int64_t>, size_t> index;
    while (rows->next()) {
      DependentRow row;
      row.customer_id = rows->getInt64("customer_id");
      row.supplier_id = rows->getInt64("supplier_id");
      row.entry.set_customer(common::FormatResourceName("customers", row.customer_id));
      row.entry.set_customer_display_name(common::ReadString(*rows, "display_name"));
      row.entry.set_account_manager(common::ReadString(*rows, "account_manager"));
      row.entry.set_supplier(common::FormatResourceName("suppliers", row.supplier_id));
      row.entry.set_open_purchase_count(rows->getInt64("purchase_count"));
      index[{row.customer_id, row.supplier_id}] = result.size();
      result.push_back(std::move(row));
    }
    if (result.empty()) return absl::OkStatus();
    // The amounts per currency of exactly those pairs.
    SqlQuery sums;
    sums.Add(
        "SELECT p.customer_id, p.supplier_id, p.currency, "
        "CAST(SUM(p.amount_minor) AS CHAR) AS total");
    add_scope(sums);
    sums.Add(" AND p.customer_id BETWEEN ? AND ?",
             {result.front().customer_id, result.back().customer_id});
    sums.Add(
        " GROUP BY p.customer_id, p.supplier_id, p.currency "
        "ORDER BY p.customer_id, p.supplier_id, p.currency");
    common::QueryResult amounts = common::Query(c, sums);
    while (amounts->next()) {
      auto it = index.find({amounts->getInt64("customer_id"), amounts->getInt64("supplier_id")});
      if (it == index.end()) continue;
      crm::common::v1::Money* money = result[it->second].entry.add_open_amounts();
      money->set_currency_code(common::ReadString(*amounts, "currency"));
      int64_t total = 0;
      if (!absl::SimpleAtoi(common::ReadString(*amounts, "total"), &total)) {
        return absl::OutOfRangeError("open purchase amounts exceed the representable range");
      }
      money->set_amount_minor(total);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

}  // namespace crm::customer
