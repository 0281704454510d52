#include "supplier_svc/repository/mysql_purchase_order_repository.h"

#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "common/mysql/versioned_update.h"
#include "supplier_svc/repository/mysql_contract_repository.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"
#include "supplier_svc/repository/procurement_rows.h"

namespace crm::supplier {
namespace {

using common::SqlNull;
using common::SqlQuery;
using common::SqlValue;

constexpr std::string_view kPurchaseOrders = "purchaseOrders";
constexpr std::string_view kSuppliers = "suppliers";

constexpr char kOrderColumns[] =
    "p.id, p.po_number, p.supplier_id, p.original_supplier_id, p.original_supplier_display_name, "
    "p.contract_id, p.order_date, p.status, p.total_currency, p.total_minor, "
    "p.promised_delivery_date, "
    "p.actual_delivery_date, p.on_time_delivery, p.accepted_quantity, p.defective_quantity, "
    "p.quality_notes, p.inspect_time, p.service_rating, p.cancel_reason, p.version, "
    "p.create_time, p.update_time";

constexpr char kWrittenColumns[] =
    "supplier_id = ?, original_supplier_id = ?, original_supplier_display_name = ?, "
    "contract_id = ?, order_date = ?, status = ?, total_currency = ?, total_minor = ?, "
    "promised_delivery_date = ?, actual_delivery_date = ?, on_time_delivery = ?, "
    "accepted_quantity = ?, defective_quantity = ?, quality_notes = ?, inspect_time = ?, "
    "service_rating = ?, cancel_reason = ?, create_time = ?, update_time = ?";

std::string_view OrderColumnSql(PurchaseOrderColumn column) {
  switch (column) {
    case PurchaseOrderColumn::kSupplier:
      return "p.supplier_id";
    case PurchaseOrderColumn::kOriginalSupplier:
      return "p.original_supplier_id";
    case PurchaseOrderColumn::kContract:
      return "p.contract_id";
    case PurchaseOrderColumn::kStatus:
      return "p.status";
    case PurchaseOrderColumn::kOrderDate:
      return "p.order_date";
    case PurchaseOrderColumn::kPromisedDeliveryDate:
      return "p.promised_delivery_date";
    case PurchaseOrderColumn::kActualDeliveryDate:
      return "p.actual_delivery_date";
    case PurchaseOrderColumn::kOnTimeDelivery:
      return "p.on_time_delivery";
    case PurchaseOrderColumn::kCreateTime:
      return "p.create_time";
    case PurchaseOrderColumn::kItem:
      break;  // see AddOrderConditions
  }
  return "NULL";
}

std::string_view SortColumnSql(PurchaseOrderOrder order) {
  switch (order) {
    case PurchaseOrderOrder::kPromisedDeliveryDate:
      return "p.promised_date_sort";
    case PurchaseOrderOrder::kOrderDate:
      return "p.order_date";
    case PurchaseOrderOrder::kTotalAmount:
      return "p.total_minor";
    case PurchaseOrderOrder::kCreateTime:
      break;
  }
  return "p.create_time";
}

void AddOrderConditions(SqlQuery& query, const std::vector<PurchaseOrderCondition>& conditions) {
  std::vector<PurchaseOrderCondition> columns;
  for (const PurchaseOrderCondition& condition : conditions) {
    if (condition.column != PurchaseOrderColumn::kItem) {
      columns.push_back(condition);
      continue;
    }
    const bool negated = condition.match == common::Match::kNotEqual;
    query.Add(absl::StrCat(" AND ", negated ? "NOT " : "",
                           "EXISTS (SELECT 1 FROM purchase_order_lines fl"
                           " WHERE fl.purchase_order_id = p.id AND fl.item = ?)"),
              {std::get<std::string>(condition.value)});
  }
  common::AddConditions(query, columns, &OrderColumnSql);
}

absl::StatusOr<StoredPurchaseOrder> ReadOrder(const sql::ResultSet& row) {
  StoredPurchaseOrder stored;
  stored.id = row.getInt64("id");
  stored.version = row.getInt64("version");
  v1::PurchaseOrder& order = stored.order;
  order.set_name(common::FormatResourceName(kPurchaseOrders, stored.id));
  order.set_po_number(common::ReadString(row, "po_number"));
  order.set_supplier(common::FormatResourceName(kSuppliers, row.getInt64("supplier_id")));
  if (!row.isNull("original_supplier_id")) {
    order.set_original_supplier(
        common::FormatResourceName(kSuppliers, row.getInt64("original_supplier_id")));
  }
  order.set_original_supplier_display_name(
      common::ReadString(row, "original_supplier_display_name"));
  if (!row.isNull("contract_id")) {
    order.set_contract(common::FormatResourceName("contracts", row.getInt64("contract_id")));
  }
  order.set_status(static_cast<v1::PurchaseOrderStatus>(row.getInt("status")));
  order.mutable_total_amount()->set_currency_code(common::ReadString(row, "total_currency"));
  order.mutable_total_amount()->set_amount_minor(row.getInt64("total_minor"));
  for (const auto& [column, field] : std::initializer_list<
           std::pair<std::string, crm::common::v1::Date* (v1::PurchaseOrder::*)()>>{
           {"order_date", &v1::PurchaseOrder::mutable_order_date},
           {"promised_delivery_date", &v1::PurchaseOrder::mutable_promised_delivery_date},
           {"actual_delivery_date", &v1::PurchaseOrder::mutable_actual_delivery_date}}) {
    crm::common::v1::Date date;
    absl::StatusOr<bool> read = ReadDateColumn(row, column, &date);
    if (!read.ok()) return read.status();
    if (*read) *(order.*field)() = date;
  }
  order.set_on_time_delivery(row.getBoolean("on_time_delivery"));
  if (!row.isNull("accepted_quantity")) {
    v1::QualityResult& quality = *order.mutable_quality_result();
    quality.set_accepted_quantity(row.getInt64("accepted_quantity"));
    quality.set_defective_quantity(row.getInt64("defective_quantity"));
    quality.set_notes(common::ReadString(row, "quality_notes"));
    absl::StatusOr<std::optional<google::protobuf::Timestamp>> inspected =
        common::ReadOptionalTimestamp(row, "inspect_time");
    if (!inspected.ok()) return inspected.status();
    if (inspected->has_value()) *quality.mutable_inspect_time() = **inspected;
  }
  order.set_service_rating(row.getInt("service_rating"));
  order.set_cancel_reason(common::ReadString(row, "cancel_reason"));
  order.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"create_time", order.mutable_create_time()},
           {"update_time", order.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  return stored;
}

void AttachLines(sql::Connection& connection, std::vector<StoredPurchaseOrder>& orders,
                 bool for_update) {
  if (orders.empty()) return;
  std::map<int64_t, StoredPurchaseOrder*> by_id;
  SqlQuery query;
  query.Add(
      "SELECT purchase_order_id, line_number, item, supplier_item_code, description, quantity, "
      "unit_price_minor, amount_minor, offering_id, original_unit_price_minor "
      "FROM purchase_order_lines WHERE purchase_order_id IN (");
  for (size_t i = 0; i < orders.size(); ++i) {
    query.Add(i == 0 ? "?" : ", ?", {orders[i].id});
    by_id[orders[i].id] = &orders[i];
  }
  query.Add(
      absl::StrCat(") ORDER BY purchase_order_id, line_number", for_update ? " FOR UPDATE" : ""));
  common::QueryResult rows = common::Query(connection, query);
  while (rows->next()) {
    v1::PurchaseOrder& order = by_id.at(rows->getInt64("purchase_order_id"))->order;
    const std::string& currency = order.total_amount().currency_code();
    v1::PurchaseOrderLine& line = *order.add_lines();
    line.set_line_number(rows->getInt("line_number"));
    line.set_item(common::ReadString(*rows, "item"));
    line.set_supplier_item_code(common::ReadString(*rows, "supplier_item_code"));
    line.set_description(common::ReadString(*rows, "description"));
    line.set_quantity(rows->getInt64("quantity"));
    line.mutable_unit_price()->set_amount_minor(rows->getInt64("unit_price_minor"));
    line.mutable_unit_price()->set_currency_code(currency);
    line.mutable_amount()->set_amount_minor(rows->getInt64("amount_minor"));
    line.mutable_amount()->set_currency_code(currency);
    if (!rows->isNull("offering_id")) {
      line.set_offering(common::FormatResourceName("offerings", rows->getInt64("offering_id")));
    }
    if (!rows->isNull("original_unit_price_minor")) {
      line.mutable_original_unit_price()->set_amount_minor(
          rows->getInt64("original_unit_price_minor"));
      line.mutable_original_unit_price()->set_currency_code(currency);
    }
  }
}

absl::StatusOr<std::vector<StoredPurchaseOrder>> SelectOrders(sql::Connection& connection,
                                                              const SqlQuery& query,
                                                              bool for_update) {
  absl::StatusOr<std::vector<StoredPurchaseOrder>> orders =
      common::QueryRows(connection, query, ReadOrder);
  if (!orders.ok()) return orders.status();
  AttachLines(connection, *orders, for_update);
  return orders;
}

absl::StatusOr<std::optional<StoredPurchaseOrder>> SelectOrder(sql::Connection& connection,
                                                               int64_t id, bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kOrderColumns, " FROM purchase_orders p WHERE p.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  absl::StatusOr<std::vector<StoredPurchaseOrder>> found =
      SelectOrders(connection, query, for_update);
  if (!found.ok()) return found.status();
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

absl::StatusOr<SqlValue> OptionalId(std::string_view field, const std::string& name,
                                    std::string_view collection) {
  if (name.empty()) return SqlValue(SqlNull{});
  absl::StatusOr<int64_t> id = common::ParseResourceId(field, name, collection);
  if (!id.ok()) return id.status();
  return SqlValue(*id);
}

absl::StatusOr<std::vector<SqlValue>> OrderValues(const v1::PurchaseOrder& order) {
  absl::StatusOr<int64_t> supplier_id =
      common::ParseResourceId("purchase_order.supplier", order.supplier(), kSuppliers);
  if (!supplier_id.ok()) return supplier_id.status();
  absl::StatusOr<SqlValue> original =
      OptionalId("purchase_order.original_supplier", order.original_supplier(), kSuppliers);
  if (!original.ok()) return original.status();
  absl::StatusOr<SqlValue> contract =
      OptionalId("purchase_order.contract", order.contract(), "contracts");
  if (!contract.ok()) return contract.status();
  const bool inspected = order.has_quality_result();
  const v1::QualityResult& quality = order.quality_result();
  return std::vector<SqlValue>{
      *supplier_id,
      *original,
      order.original_supplier_display_name(),
      *contract,
      SqlDate(order.order_date(), true),
      int64_t{order.status()},
      order.total_amount().currency_code(),
      order.total_amount().amount_minor(),
      SqlDate(order.promised_delivery_date(), order.has_promised_delivery_date()),
      SqlDate(order.actual_delivery_date(), order.has_actual_delivery_date()),
      int64_t{order.on_time_delivery() ? 1 : 0},
      inspected ? SqlValue(quality.accepted_quantity()) : SqlValue(SqlNull{}),
      inspected ? SqlValue(quality.defective_quantity()) : SqlValue(SqlNull{}),
      quality.notes(),
      inspected && quality.has_inspect_time() ? SqlValue(common::SqlTime(quality.inspect_time()))
                                              : SqlValue(SqlNull{}),
      int64_t{order.service_rating()},
      order.cancel_reason(),
      common::SqlTime(order.create_time()),
      common::SqlTime(order.update_time()),
  };
}

class MySqlPurchaseOrderStore final : public PurchaseOrderStore {
 public:
  explicit MySqlPurchaseOrderStore(sql::Connection& connection)
      : connection_(connection),
        suppliers_(MakeMySqlSupplierStore(connection)),
        contracts_(MakeMySqlContractStore(connection)) {}

  absl::StatusOr<std::optional<StoredPurchaseOrder>> LockPurchaseOrder(int64_t id) override {
    return SelectOrder(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<StoredPurchaseOrder> InsertPurchaseOrder(const v1::PurchaseOrder& order) override {
    absl::StatusOr<std::vector<SqlValue>> values = OrderValues(order);
    if (!values.ok()) return values.status();
    SqlQuery insert;
    insert.text = absl::StrCat("INSERT INTO purchase_orders SET ", kWrittenColumns,
                               ", po_number = CONCAT('pending-', CONNECTION_ID()), version = 1");
    insert.params = *std::move(values);
    common::Execute(connection_, insert);
    const int64_t id = common::LastInsertId(connection_);
    SqlQuery number;
    number.Add("UPDATE purchase_orders SET po_number = ? WHERE id = ?",
               {absl::StrFormat("PO-%06d", id), id});
    common::Execute(connection_, number);
    absl::Status lines = WriteLines(id, order);
    if (!lines.ok()) return lines;
    return Reread(id);
  }

  absl::StatusOr<StoredPurchaseOrder> UpdatePurchaseOrder(const v1::PurchaseOrder& order,
                                                          int64_t expected_version,
                                                          bool replace_lines) override {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("purchase_order.name", order.name(), kPurchaseOrders);
    if (!id.ok()) return id.status();
    absl::StatusOr<std::vector<SqlValue>> values = OrderValues(order);
    if (!values.ok()) return values.status();
    if (absl::Status updated =
            common::UpdateAtVersion(connection_, "purchase_orders", kWrittenColumns,
                                    *std::move(values), *id, expected_version, order.name());
        !updated.ok()) {
      return updated;
    }
    if (replace_lines) {
      SqlQuery clear;
      clear.Add("DELETE FROM purchase_order_lines WHERE purchase_order_id = ?", {*id});
      common::Execute(connection_, clear);
      absl::Status lines = WriteLines(*id, order);
      if (!lines.ok()) return lines;
    }
    return Reread(*id);
  }

  absl::StatusOr<std::optional<v1::Offering>> FindOffering(int64_t id) override {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT ", kOfferingRowColumns, " FROM offerings o WHERE o.id = ?"),
              {id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    absl::StatusOr<v1::Offering> offering = ReadOfferingRow(*row);
    if (!offering.ok()) return offering.status();
    return *std::move(offering);
  }

  absl::StatusOr<std::vector<v1::Offering>> ListLiveOfferings(int64_t supplier_id,
                                                              std::string_view item) override {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT ", kOfferingRowColumns,
                           " FROM offerings o WHERE o.item = ? AND o.supplier_id = ?"
                           " AND o.delete_time IS NULL ORDER BY o.id"),
              {std::string(item), supplier_id});
    std::vector<v1::Offering> offerings;
    common::QueryResult rows = common::Query(connection_, query);
    while (rows->next()) {
      absl::StatusOr<v1::Offering> offering = ReadOfferingRow(*rows);
      if (!offering.ok()) return offering.status();
      offerings.push_back(*std::move(offering));
    }
    return offerings;
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

  SupplierStore& Suppliers() override { return *suppliers_; }
  ContractStore& Contracts() override { return *contracts_; }

 private:
  absl::Status WriteLines(int64_t id, const v1::PurchaseOrder& order) {
    if (order.lines().empty()) return absl::OkStatus();
    SqlQuery insert;
    insert.Add(
        "INSERT INTO purchase_order_lines (purchase_order_id, line_number, item, "
        "supplier_item_code, description, quantity, unit_price_minor, amount_minor, offering_id, "
        "original_unit_price_minor) VALUES ");
    for (int i = 0; i < order.lines_size(); ++i) {
      const v1::PurchaseOrderLine& line = order.lines(i);
      absl::StatusOr<SqlValue> offering = OptionalId(
          absl::StrCat("purchase_order.lines[", i, "].offering"), line.offering(), "offerings");
      if (!offering.ok()) return offering.status();
      insert.Add(
          i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {id, int64_t{line.line_number()}, line.item(), line.supplier_item_code(),
           line.description(), line.quantity(), line.unit_price().amount_minor(),
           line.amount().amount_minor(), *offering,
           line.has_original_unit_price() ? SqlValue(line.original_unit_price().amount_minor())
                                          : SqlValue(SqlNull{})});
    }
    common::Execute(connection_, insert);
    return absl::OkStatus();
  }

  absl::StatusOr<StoredPurchaseOrder> Reread(int64_t id) {
    absl::StatusOr<std::optional<StoredPurchaseOrder>> stored =
        SelectOrder(connection_, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value())
      return absl::InternalError("purchase order vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
  std::unique_ptr<SupplierStore> suppliers_;
  std::unique_ptr<ContractStore> contracts_;
};

}  // namespace

std::unique_ptr<PurchaseOrderStore> MakeMySqlPurchaseOrderStore(sql::Connection& connection) {
  return std::make_unique<MySqlPurchaseOrderStore>(connection);
}

MySqlPurchaseOrderRepository::MySqlPurchaseOrderRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlPurchaseOrderRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(PurchaseOrderStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlPurchaseOrderStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlPurchaseOrderRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(PurchaseOrderStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlPurchaseOrderStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredPurchaseOrder>> MySqlPurchaseOrderRepository::GetPurchaseOrder(
    absl::Time deadline, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline,
      [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredPurchaseOrder>> {
        return SelectOrder(c, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredPurchaseOrder>> MySqlPurchaseOrderRepository::ListPurchaseOrders(
    absl::Time deadline, const PurchaseOrderListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kOrderColumns, " FROM purchase_orders p WHERE TRUE"));
  AddOrderConditions(query, list.conditions);
  const std::string sort(SortColumnSql(list.order));
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    SqlValue value = list.after->sort_value;
    if (list.order == PurchaseOrderOrder::kTotalAmount) {
      int64_t amount = 0;
      if (!absl::SimpleAtoi(list.after->sort_value, &amount)) {
        return absl::InvalidArgumentError("page_token: invalid or corrupted");
      }
      value = amount;
    }
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND p.id", after, "))"),
              {value, value, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", p.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::vector<StoredPurchaseOrder>> {
        return SelectOrders(c, query, false);
      });
}

}  // namespace crm::supplier
