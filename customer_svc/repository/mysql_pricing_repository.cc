#include "customer_svc/repository/mysql_pricing_repository.h"

#include <cppconn/resultset.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "customer_svc/domain/pricing_rules.h"

namespace crm::customer {
namespace {

using common::SqlQuery;
using common::SqlValue;

// An open-ended validity period ends on this day in SQL comparisons.
constexpr char kOpenEnd[] = "DATE'9999-12-31'";

std::string_view ColumnSql(PricingColumn column) {
  switch (column) {
    case PricingColumn::kSku:
      return "t.sku";
    case PricingColumn::kCurrency:
      return "t.currency";
    case PricingColumn::kTier:
      return "t.tier";
    case PricingColumn::kValidFrom:
      return "t.valid_from";
    case PricingColumn::kValidUntil:
      return "COALESCE(t.valid_until, DATE'9999-12-31')";
    case PricingColumn::kApprovedBy:
      return "t.approved_by";
  }
  return "NULL";
}

std::string_view OrderSql(PricingOrder order) {
  switch (order) {
    case PricingOrder::kTier:
      return "t.tier";
    case PricingOrder::kValidFrom:
      return "t.valid_from";
    case PricingOrder::kValidUntil:
      return "COALESCE(t.valid_until, DATE'9999-12-31')";
    case PricingOrder::kSku:
      break;
  }
  return "t.sku";
}

SqlValue DateValue(const crm::common::v1::Date& date) {
  return common::FormatIsoDate(common::FromDateMessage(date));
}

// How one pricing resource maps onto its table. Every table has id, version,
// valid_from, valid_until, create_time, update_time and delete_time; the rest
// are the resource's `data_columns`.
template <typename Resource>
struct TableSpec {
  std::string_view table;
  std::string_view parent_column;  // "" for none
  std::vector<std::string_view> data_columns;
  // The data column values of `resource`, in data_columns order.
  std::vector<SqlValue> (*bind)(const Resource& resource);
  // Fills the resource's data fields from a row.
  void (*read)(const sql::ResultSet& row, Resource& resource);
  std::string (*format_name)(int64_t parent_id, int64_t id);
  // Rows with the same key as a resource (besides the parent): SQL and values.
  std::string_view key_sql;
  std::vector<SqlValue> (*key_values)(const Resource& resource);
};

template <typename Resource>
class MySqlPricingTable final : public PricingTable<Resource> {
 public:
  using Row = StoredPricingRow<Resource>;

  MySqlPricingTable(sql::Connection& connection, const TableSpec<Resource>& spec)
      : connection_(connection), spec_(spec) {
    std::vector<std::string> columns = {"t.id",          "t.version",     "t.valid_from",
                                        "t.valid_until", "t.create_time", "t.update_time",
                                        "t.delete_time"};
    if (!spec_.parent_column.empty())
      columns.push_back(absl::StrCat("t.", std::string(spec_.parent_column)));
    for (std::string_view column : spec_.data_columns) {
      columns.push_back(absl::StrCat("t.", std::string(column)));
    }
    select_ = absl::StrCat("SELECT ", absl::StrJoin(columns, ", "), " FROM ",
                           std::string(spec_.table), " t WHERE ");
  }

  absl::StatusOr<std::optional<Row>> Find(int64_t id, bool lock) override {
    SqlQuery query;
    query.Add(absl::StrCat(select_, "t.id = ?", lock ? " FOR UPDATE" : ""), {id});
    absl::StatusOr<std::vector<Row>> rows = Select(query);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return std::nullopt;
    return std::move(rows->front());
  }

  absl::StatusOr<std::vector<Row>> List(const PricingListQuery& list) override {
    SqlQuery query;
    query.Add(absl::StrCat(select_, "TRUE"));
    if (!list.show_deleted) query.Add(" AND t.delete_time IS NULL");
    if (list.parent_id.has_value() && !spec_.parent_column.empty()) {
      query.Add(absl::StrCat(" AND t.", std::string(spec_.parent_column), " = ?"),
                {*list.parent_id});
    }
    common::AddConditions(query, list.conditions, &ColumnSql);
    const std::string sort(OrderSql(list.order));
    const std::string after = list.descending ? " < ?" : " > ?";
    if (list.after.has_value()) {
      const SqlValue value = std::holds_alternative<int64_t>(list.after->sort_value)
                                 ? SqlValue(std::get<int64_t>(list.after->sort_value))
                                 : SqlValue(std::get<std::string>(list.after->sort_value));
      query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND t.id", after, "))"),
                {value, value, list.after->id});
    }
    const std::string direction = list.descending ? " DESC" : "";
    query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", t.id", direction, " LIMIT ?"),
              {int64_t{list.limit}});
    return Select(query);
  }

  absl::StatusOr<Row> Insert(int64_t parent_id, const Resource& resource) override {
    std::vector<std::string> columns;
    SqlQuery values;
    if (!spec_.parent_column.empty()) {
      columns.emplace_back(spec_.parent_column);
      values.params.push_back(parent_id);
    }
    AddWrittenColumns(resource, columns, values.params);
    SqlQuery insert;
    insert.text =
        absl::StrCat("INSERT INTO ", std::string(spec_.table), " (", absl::StrJoin(columns, ", "),
                     ", version) VALUES (", common::Placeholders(columns.size()), ", 1)");
    insert.params = std::move(values.params);
    common::Execute(connection_, insert);
    return Reread(common::LastInsertId(connection_));
  }

  absl::StatusOr<Row> Update(int64_t id, const Resource& resource,
                             int64_t expected_version) override {
    std::vector<std::string> columns;
    SqlQuery update;
    AddWrittenColumns(resource, columns, update.params);
    for (std::string& column : columns) column += " = ?";
    update.text =
        absl::StrCat("UPDATE ", std::string(spec_.table), " SET ", absl::StrJoin(columns, ", "),
                     ", version = version + 1 WHERE id = ? AND version = ?");
    update.params.push_back(id);
    update.params.push_back(expected_version);
    if (common::Execute(connection_, update) != 1) {
      return absl::AbortedError(
          absl::StrCat(resource.name(), " was modified concurrently; re-read and retry"));
    }
    return Reread(id);
  }

  absl::StatusOr<std::optional<Row>> FindOverlapping(int64_t parent_id, const Resource& resource,
                                                     int64_t except_id) override {
    SqlQuery query;
    query.Add(absl::StrCat(select_, "t.delete_time IS NULL AND t.id <> ?"), {except_id});
    if (!spec_.parent_column.empty()) {
      query.Add(absl::StrCat(" AND t.", std::string(spec_.parent_column), " = ?"), {parent_id});
    }
    query.Add(absl::StrCat(" AND ", std::string(spec_.key_sql)));
    for (SqlValue& value : spec_.key_values(resource)) query.params.push_back(std::move(value));
    query.Add(absl::StrCat(" AND t.valid_from <= ", resource.has_valid_until() ? "?" : kOpenEnd,
                           " AND COALESCE(t.valid_until, ", kOpenEnd, ") >= ?"));
    if (resource.has_valid_until()) query.params.push_back(DateValue(resource.valid_until()));
    query.params.push_back(DateValue(resource.valid_from()));
    query.Add(" ORDER BY t.id LIMIT 1 FOR UPDATE");
    absl::StatusOr<std::vector<Row>> rows = Select(query);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return std::nullopt;
    return std::move(rows->front());
  }

  // The live rows matching `condition` (SQL after "WHERE ... AND") that are
  // valid on `date`, by id.
  absl::StatusOr<std::vector<Resource>> ValidOn(std::string_view condition,
                                                std::vector<SqlValue> values,
                                                const common::CalendarDate& date) {
    SqlQuery query;
    query.text = absl::StrCat(select_, "t.delete_time IS NULL AND ", std::string(condition),
                              " AND t.valid_from <= ? AND COALESCE(t.valid_until, ", kOpenEnd,
                              ") >= ? ORDER BY t.id");
    query.params = std::move(values);
    query.params.push_back(common::FormatIsoDate(date));
    query.params.push_back(common::FormatIsoDate(date));
    absl::StatusOr<std::vector<Row>> rows = Select(query);
    if (!rows.ok()) return rows.status();
    std::vector<Resource> resources;
    for (Row& row : *rows) resources.push_back(std::move(row.resource));
    return resources;
  }

 private:
  // The columns Insert and Update write and their values.
  void AddWrittenColumns(const Resource& resource, std::vector<std::string>& columns,
                         std::vector<SqlValue>& values) const {
    for (std::string_view column : spec_.data_columns) columns.emplace_back(column);
    for (SqlValue& value : spec_.bind(resource)) values.push_back(std::move(value));
    for (const char* column :
         {"valid_from", "valid_until", "create_time", "update_time", "delete_time"}) {
      columns.emplace_back(column);
    }
    values.push_back(DateValue(resource.valid_from()));
    values.push_back(resource.has_valid_until() ? DateValue(resource.valid_until())
                                                : SqlValue(common::SqlNull{}));
    values.push_back(common::SqlTime(resource.create_time()));
    values.push_back(common::SqlTime(resource.update_time()));
    values.push_back(resource.has_delete_time() ? SqlValue(common::SqlTime(resource.delete_time()))
                                                : SqlValue(common::SqlNull{}));
  }

  absl::StatusOr<std::vector<Row>> Select(const SqlQuery& query) {
    common::QueryResult result = common::Query(connection_, query);
    std::vector<Row> rows;
    while (result->next()) {
      absl::StatusOr<Row> row = ReadRow(*result);
      if (!row.ok()) return row.status();
      rows.push_back(*std::move(row));
    }
    return rows;
  }

  absl::StatusOr<Row> ReadRow(const sql::ResultSet& result) const {
    Row row;
    row.id = result.getInt64("id");
    row.version = result.getInt64("version");
    if (!spec_.parent_column.empty()) {
      row.parent_id = result.getInt64(std::string(spec_.parent_column));
    }
    Resource& resource = row.resource;
    spec_.read(result, resource);
    resource.set_name(spec_.format_name(row.parent_id, row.id));
    resource.set_etag(common::FormatEtag(row.version));
    absl::StatusOr<common::CalendarDate> from =
        common::ParseIsoDate(common::ReadString(result, "valid_from"));
    if (!from.ok()) return absl::InternalError("stored valid_from is unreadable");
    common::ToDateMessage(*from, resource.mutable_valid_from());
    if (!result.isNull("valid_until")) {
      absl::StatusOr<common::CalendarDate> until =
          common::ParseIsoDate(common::ReadString(result, "valid_until"));
      if (!until.ok()) return absl::InternalError("stored valid_until is unreadable");
      common::ToDateMessage(*until, resource.mutable_valid_until());
    }
    for (const auto& [column, field] :
         std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
             {"create_time", resource.mutable_create_time()},
             {"update_time", resource.mutable_update_time()}}) {
      absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(result, column);
      if (!time.ok()) return time.status();
      *field = *time;
    }
    absl::StatusOr<std::optional<google::protobuf::Timestamp>> deleted =
        common::ReadOptionalTimestamp(result, "delete_time");
    if (!deleted.ok()) return deleted.status();
    if (deleted->has_value()) *resource.mutable_delete_time() = **deleted;
    return row;
  }

  absl::StatusOr<Row> Reread(int64_t id) {
    absl::StatusOr<std::optional<Row>> row = Find(id, /*lock=*/true);
    if (!row.ok()) return row.status();
    if (!row->has_value()) {
      return absl::InternalError(
          absl::StrCat(std::string(spec_.table), " row vanished after writing it"));
    }
    return **std::move(row);
  }

  sql::Connection& connection_;
  const TableSpec<Resource>& spec_;
  std::string select_;  // "SELECT <every column> FROM <table> t WHERE "
};

const TableSpec<v1::PriceListEntry>& PriceListEntrySpec() {
  static const auto* const spec = new TableSpec<v1::PriceListEntry>{
      "price_list_entries",
      "",
      {"sku", "description", "list_price_minor", "currency"},
      [](const v1::PriceListEntry& entry) -> std::vector<SqlValue> {
        return {entry.sku(), entry.description(), entry.list_price().amount_minor(),
                entry.list_price().currency_code()};
      },
      [](const sql::ResultSet& row, v1::PriceListEntry& entry) {
        entry.set_sku(common::ReadString(row, "sku"));
        entry.set_description(common::ReadString(row, "description"));
        entry.mutable_list_price()->set_amount_minor(row.getInt64("list_price_minor"));
        entry.mutable_list_price()->set_currency_code(common::ReadString(row, "currency"));
      },
      [](int64_t, int64_t id) { return common::FormatResourceName("priceListEntries", id); },
      "t.sku = ? AND t.currency = ?",
      [](const v1::PriceListEntry& entry) -> std::vector<SqlValue> {
        return {entry.sku(), entry.list_price().currency_code()};
      },
  };
  return *spec;
}

const TableSpec<v1::TierDiscount>& TierDiscountSpec() {
  static const auto* const spec = new TableSpec<v1::TierDiscount>{
      "tier_discounts",
      "",
      {"tier", "sku", "discount_basis_points", "min_quantity"},
      [](const v1::TierDiscount& discount) -> std::vector<SqlValue> {
        return {int64_t{discount.tier()}, discount.sku(), int64_t{discount.discount_basis_points()},
                discount.min_quantity()};
      },
      [](const sql::ResultSet& row, v1::TierDiscount& discount) {
        discount.set_tier(static_cast<v1::Tier>(row.getInt("tier")));
        discount.set_sku(common::ReadString(row, "sku"));
        discount.set_discount_basis_points(row.getInt("discount_basis_points"));
        discount.set_min_quantity(row.getInt64("min_quantity"));
      },
      [](int64_t, int64_t id) { return common::FormatResourceName("tierDiscounts", id); },
      "t.tier = ? AND t.sku = ? AND GREATEST(t.min_quantity, 1) = ?",
      [](const v1::TierDiscount& discount) -> std::vector<SqlValue> {
        return {int64_t{discount.tier()}, discount.sku(),
                EffectiveMinQuantity(discount.min_quantity())};
      },
  };
  return *spec;
}

const TableSpec<v1::SpecialPrice>& SpecialPriceSpec() {
  static const auto* const spec = new TableSpec<v1::SpecialPrice>{
      "special_prices",
      "customer_id",
      {"sku", "unit_price_minor", "currency", "min_quantity", "reason", "approved_by"},
      [](const v1::SpecialPrice& price) -> std::vector<SqlValue> {
        return {price.sku(),
                price.unit_price().amount_minor(),
                price.unit_price().currency_code(),
                price.min_quantity(),
                price.reason(),
                price.approved_by()};
      },
      [](const sql::ResultSet& row, v1::SpecialPrice& price) {
        price.set_sku(common::ReadString(row, "sku"));
        price.mutable_unit_price()->set_amount_minor(row.getInt64("unit_price_minor"));
        price.mutable_unit_price()->set_currency_code(common::ReadString(row, "currency"));
        price.set_min_quantity(row.getInt64("min_quantity"));
        price.set_reason(common::ReadString(row, "reason"));
        price.set_approved_by(common::ReadString(row, "approved_by"));
      },
      [](int64_t customer_id, int64_t id) {
        return common::FormatNestedResourceName(
            {{"customers", customer_id}, {"specialPrices", id}});
      },
      "t.sku = ? AND t.currency = ? AND GREATEST(t.min_quantity, 1) = ?",
      [](const v1::SpecialPrice& price) -> std::vector<SqlValue> {
        return {price.sku(), price.unit_price().currency_code(),
                EffectiveMinQuantity(price.min_quantity())};
      },
  };
  return *spec;
}

// The operations of one transaction (or read) on `connection`.
class MySqlPricingStore final : public PricingStore {
 public:
  explicit MySqlPricingStore(sql::Connection& connection)
      : connection_(connection),
        price_list_entries_(connection, PriceListEntrySpec()),
        tier_discounts_(connection, TierDiscountSpec()),
        special_prices_(connection, SpecialPriceSpec()) {}

  PricingTable<v1::PriceListEntry>& PriceListEntries() override { return price_list_entries_; }
  PricingTable<v1::TierDiscount>& TierDiscounts() override { return tier_discounts_; }
  PricingTable<v1::SpecialPrice>& SpecialPrices() override { return special_prices_; }

  absl::StatusOr<std::optional<PricingCustomer>> FindCustomer(int64_t customer_id,
                                                              bool lock) override {
    SqlQuery query;
    query.Add(absl::StrCat("SELECT tier, delete_time IS NOT NULL AS deleted FROM customers "
                           "WHERE id = ?",
                           lock ? " FOR UPDATE" : ""),
              {customer_id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    PricingCustomer customer;
    customer.tier = static_cast<v1::Tier>(row->getInt("tier"));
    customer.deleted = row->getBoolean("deleted");
    return customer;
  }

  absl::StatusOr<PricingCandidates> FindCandidates(int64_t customer_id, v1::Tier tier,
                                                   std::string_view sku,
                                                   const common::CalendarDate& date) override {
    const std::string sku_text(sku);
    PricingCandidates candidates;
    absl::StatusOr<std::vector<v1::PriceListEntry>> list_prices =
        price_list_entries_.ValidOn("t.sku = ?", {sku_text}, date);
    if (!list_prices.ok()) return list_prices.status();
    candidates.list_prices = *std::move(list_prices);
    absl::StatusOr<std::vector<v1::TierDiscount>> discounts =
        tier_discounts_.ValidOn("t.tier = ? AND t.sku IN (?, '')", {int64_t{tier}, sku_text}, date);
    if (!discounts.ok()) return discounts.status();
    candidates.tier_discounts = *std::move(discounts);
    absl::StatusOr<std::vector<v1::SpecialPrice>> specials =
        special_prices_.ValidOn("t.customer_id = ? AND t.sku = ?", {customer_id, sku_text}, date);
    if (!specials.ok()) return specials.status();
    candidates.special_prices = *std::move(specials);
    return candidates;
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  sql::Connection& connection_;
  MySqlPricingTable<v1::PriceListEntry> price_list_entries_;
  MySqlPricingTable<v1::TierDiscount> tier_discounts_;
  MySqlPricingTable<v1::SpecialPrice> special_prices_;
};

}  // namespace

MySqlPricingRepository::MySqlPricingRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlPricingRepository::Transact(absl::Time deadline,
                                              absl::FunctionRef<absl::Status(PricingStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlPricingStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlPricingRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(PricingStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlPricingStore store(connection);
                                 return body(store);
                               });
}

absl::Status MySqlPricingRepository::Read(absl::Time deadline,
                                          absl::FunctionRef<absl::Status(PricingStore&)> body) {
  return common::RunWithConnection(pool_, deadline, [&](sql::Connection& connection) {
    MySqlPricingStore store(connection);
    return body(store);
  });
}

}  // namespace crm::customer
