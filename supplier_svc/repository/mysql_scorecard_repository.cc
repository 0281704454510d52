#include "supplier_svc/repository/mysql_scorecard_repository.h"

#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "crm/supplier/v1/purchase_order.pb.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"

namespace crm::supplier {
namespace {

using common::SqlQuery;
using common::SqlValue;

void Append(SqlQuery& query, const SqlQuery& part) {
  query.text.append(part.text);
  query.params.insert(query.params.end(), part.params.begin(), part.params.end());
}

// SELECT s.id of the live suppliers in scope: the derived table `m` every
// figure joins.
SqlQuery ScopeQuery(const ScorecardScope& scope) {
  SqlQuery query;
  query.Add("SELECT s.id FROM suppliers s WHERE s.delete_time IS NULL");
  if (scope.supplier_id.has_value()) query.Add(" AND s.id = ?", {*scope.supplier_id});
  if (scope.category.has_value()) {
    query.Add(
        " AND EXISTS (SELECT 1 FROM supplier_categories sc WHERE sc.supplier_id = s.id"
        " AND sc.category = ?)",
        {int64_t{*scope.category}});
  }
  if (!scope.statuses.empty()) {
    query.Add(absl::StrCat(" AND s.status IN (", common::Placeholders(scope.statuses.size()), ")"));
    for (v1::SupplierStatus status : scope.statuses) query.params.emplace_back(int64_t{status});
  }
  AddSupplierFilterConditions(query, scope.conditions);
  return query;
}

// `before` (scope) m `after`, with the placeholders of each part in order.
SqlQuery OverScope(const SqlQuery& scope, std::string_view before, std::string_view after,
                   std::initializer_list<SqlValue> before_values = {},
                   std::initializer_list<SqlValue> after_values = {}) {
  SqlQuery query;
  query.Add(before, before_values);
  query.Add(" (");
  Append(query, scope);
  query.Add(") m ");
  query.Add(after, after_values);
  return query;
}

int64_t Int(const sql::ResultSet& row, const std::string& column) {
  return row.isNull(column) ? 0 : row.getInt64(column);
}

StoredScorecardWeights ReadWeights(const sql::ResultSet& row) {
  StoredScorecardWeights stored;
  stored.version = row.getInt64("version");
  v1::ScorecardWeights& w = stored.weights;
  w.set_name(kScorecardWeightsName);
  w.set_quality_weight_percent(row.getInt("quality_weight_percent"));
  w.set_cost_weight_percent(row.getInt("cost_weight_percent"));
  w.set_delivery_weight_percent(row.getInt("delivery_weight_percent"));
  w.set_service_weight_percent(row.getInt("service_weight_percent"));
  w.set_expand_min_score(row.getInt("expand_min_score"));
  w.set_maintain_min_score(row.getInt("maintain_min_score"));
  w.set_probation_min_score(row.getInt("probation_min_score"));
  w.set_etag(common::FormatEtag(stored.version));
  return stored;
}

class MySqlScorecardWeightsStore final : public ScorecardWeightsStore {
 public:
  explicit MySqlScorecardWeightsStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<StoredScorecardWeights> LockWeights() override {
    return SelectScorecardWeights(connection_, /*for_update=*/true);
  }

  absl::StatusOr<StoredScorecardWeights> UpdateWeights(const v1::ScorecardWeights& w,
                                                       int64_t expected_version,
                                                       absl::Time update_time) override {
    SqlQuery update;
    update.Add(
        "UPDATE scorecard_weights SET quality_weight_percent = ?, cost_weight_percent = ?,"
        " delivery_weight_percent = ?, service_weight_percent = ?, expand_min_score = ?,"
        " maintain_min_score = ?, probation_min_score = ?, update_time = ?,"
        " version = version + 1 WHERE id = 1 AND version = ?",
        {int64_t{w.quality_weight_percent()}, int64_t{w.cost_weight_percent()},
         int64_t{w.delivery_weight_percent()}, int64_t{w.service_weight_percent()},
         int64_t{w.expand_min_score()}, int64_t{w.maintain_min_score()},
         int64_t{w.probation_min_score()}, common::FormatMysqlDatetime(update_time),
         expected_version});
    if (common::Execute(connection_, update) != 1) {
      return absl::AbortedError("scorecardWeights was modified concurrently; re-read and retry");
    }
    return SelectScorecardWeights(connection_, /*for_update=*/true);
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  sql::Connection& connection_;
};

}  // namespace

absl::StatusOr<StoredScorecardWeights> SelectScorecardWeights(sql::Connection& connection,
                                                              bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat(
      "SELECT quality_weight_percent, cost_weight_percent, delivery_weight_percent,"
      " service_weight_percent, expand_min_score, maintain_min_score, probation_min_score,"
      " version, update_time FROM scorecard_weights WHERE id = 1",
      for_update ? " FOR UPDATE" : ""));
  common::QueryResult row = common::Query(connection, query);
  if (!row->next()) return absl::InternalError("scorecard_weights has no row (migration V004)");
  StoredScorecardWeights stored = ReadWeights(*row);
  absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(*row, "update_time");
  if (!time.ok()) return time.status();
  *stored.weights.mutable_update_time() = *time;
  return stored;
}

absl::StatusOr<std::vector<ScorecardFigures>> SelectScorecardFigures(
    sql::Connection& connection, const ScorecardScope& scope) {
  const SqlQuery in_scope = ScopeQuery(scope);
  const std::string start = common::FormatIsoDate(scope.period_start);
  const std::string end = common::FormatIsoDate(scope.period_end);
  const int64_t cancelled = v1::PURCHASE_ORDER_STATUS_CANCELLED;
  const int64_t delivered = v1::PURCHASE_ORDER_STATUS_DELIVERED;
  // Orders that count as spend: not cancelled, placed within the period.
  constexpr char kSpendOrder[] = "p.status <> ? AND p.order_date BETWEEN ? AND ?";

  // Every GROUP BY below ends in ORDER BY NULL: MariaDB sorts grouped rows
  // by the group unless told not to, these sums go into maps by key, and that
  // sort was what grew faster than the data (n log n).
  std::map<int64_t, ScorecardFigures> figures;

  common::QueryResult rows = common::Query(
      connection,
      OverScope(in_scope, "SELECT s.id, s.display_name, s.status, s.relationship_start_date FROM",
                "JOIN suppliers s ON s.id = m.id"));
  while (rows->next()) {
    ScorecardFigures& f = figures[rows->getInt64("id")];
    f.supplier_id = rows->getInt64("id");
    f.display_name = common::ReadString(*rows, "display_name");
    f.status = static_cast<v1::SupplierStatus>(rows->getInt("status"));
    if (!rows->isNull("relationship_start_date")) {
      absl::StatusOr<common::CalendarDate> date =
          common::ParseIsoDate(common::ReadString(*rows, "relationship_start_date"));
      if (!date.ok()) return absl::InternalError("stored relationship_start_date is unreadable");
      f.relationship_start_date = *date;
    }
  }
  if (figures.empty()) return std::vector<ScorecardFigures>{};

  // Quality, delivery and service: orders delivered within the period.
  rows = common::Query(
      connection,
      OverScope(in_scope,
                "SELECT p.supplier_id,"
                " CAST(SUM(IFNULL(p.accepted_quantity, 0)) AS SIGNED) AS accepted,"
                " CAST(SUM(IFNULL(p.defective_quantity, 0)) AS SIGNED) AS defective,"
                " COUNT(*) AS delivered, CAST(SUM(p.on_time_delivery) AS SIGNED) AS on_time,"
                " CAST(SUM(p.service_rating BETWEEN 1 AND 5) AS SIGNED) AS rated,"
                " CAST(SUM(IF(p.service_rating BETWEEN 1 AND 5, p.service_rating, 0)) AS SIGNED)"
                " AS rating_sum FROM",
                "JOIN purchase_orders p ON p.supplier_id = m.id WHERE p.status = ?"
                " AND p.actual_delivery_date BETWEEN ? AND ? GROUP BY p.supplier_id ORDER BY NULL",
                {}, {delivered, start, end}));
  while (rows->next()) {
    ScorecardFigures& f = figures[rows->getInt64("supplier_id")];
    f.accepted_quantity = Int(*rows, "accepted");
    f.defective_quantity = Int(*rows, "defective");
    f.delivered_order_count = Int(*rows, "delivered");
    f.on_time_order_count = Int(*rows, "on_time");
    f.rated_order_count = Int(*rows, "rated");
    f.rating_sum = Int(*rows, "rating_sum");
  }

  // Spend per supplier and currency; the supplier's currency is the one it
  // was paid most in.
  std::map<int64_t, std::map<std::string, int64_t>> spend;
  rows = common::Query(
      connection,
      OverScope(in_scope,
                "SELECT p.supplier_id, p.total_currency AS currency,"
                " CAST(SUM(p.total_minor) AS SIGNED) AS amount FROM",
                absl::StrCat("JOIN purchase_orders p ON p.supplier_id = m.id WHERE ", kSpendOrder,
                             " GROUP BY p.supplier_id, p.total_currency ORDER BY NULL"),
                {}, {cancelled, start, end}));
  while (rows->next()) {
    spend[rows->getInt64("supplier_id")][common::ReadString(*rows, "currency")] =
        Int(*rows, "amount");
  }
  for (auto& [id, by_currency] : spend) {
    ScorecardFigures& f = figures[id];
    for (const auto& [currency, amount] : by_currency) {
      if (f.spend_currency.empty() || amount > f.spend_minor) {
        f.spend_currency = currency;
        f.spend_minor = amount;
      }
    }
  }

  // The spend of the categories, per currency: of the scope's category, or of
  // every category each supplier has.
  if (scope.category.has_value()) {
    // The join order is fixed: after a bulk load InnoDB's sampled statistics
    // can rate a supplier's orders as one row and put the supplier check
    // after the orders (a lookup per order, 3x the time at twice the data).
    SqlQuery totals;
    totals.Add(
        absl::StrCat(
            "SELECT p.total_currency AS currency, CAST(SUM(p.total_minor) AS SIGNED) AS amount"
            " FROM supplier_categories c STRAIGHT_JOIN suppliers t ON t.id = c.supplier_id"
            " AND t.delete_time IS NULL STRAIGHT_JOIN purchase_orders p"
            " ON p.supplier_id = c.supplier_id WHERE c.category = ? AND ",
            kSpendOrder, " GROUP BY p.total_currency ORDER BY NULL"),
        {int64_t{*scope.category}, cancelled, start, end});
    std::map<std::string, int64_t> by_currency;
    rows = common::Query(connection, totals);
    while (rows->next()) by_currency[common::ReadString(*rows, "currency")] = Int(*rows, "amount");
    for (auto& [id, f] : figures) {
      if (auto it = by_currency.find(f.spend_currency); it != by_currency.end()) {
        f.category_spend_minor = it->second;
      }
    }
  } else {
    rows = common::Query(
        connection,
        OverScope(in_scope,
                  "SELECT pr.s AS supplier_id, p.total_currency AS currency,"
                  " CAST(SUM(p.total_minor) AS SIGNED) AS amount FROM (SELECT DISTINCT m.id AS s,"
                  " b.supplier_id AS t FROM",
                  absl::StrCat(
                      "JOIN supplier_categories a ON a.supplier_id = m.id"
                      " JOIN supplier_categories b ON b.category = a.category"
                      " JOIN suppliers st ON st.id = b.supplier_id AND st.delete_time IS NULL) pr"
                      " JOIN purchase_orders p ON p.supplier_id = pr.t WHERE ",
                      kSpendOrder, " GROUP BY pr.s, p.total_currency ORDER BY NULL"),
                  {}, {cancelled, start, end}));
    while (rows->next()) {
      ScorecardFigures& f = figures[rows->getInt64("supplier_id")];
      if (common::ReadString(*rows, "currency") == f.spend_currency) {
        f.category_spend_minor = Int(*rows, "amount");
      }
    }
  }

  // Per supplier, item and currency the units and amount ordered in the
  // period, with the item's totals over every supplier (a window over the
  // one grouped pass, so the order lines are read once); kept for the
  // suppliers in scope. Price index: per item the supplier's volume-weighted
  // average unit price over the volume-weighted average of the other
  // suppliers' prices, averaged over its items weighted by its volume; items
  // nobody else sold in the period do not count.
  // The grouped rows are about 430 bytes (the item's VARCHAR at full width):
  // past 16 MB (some 36,000 supplier-item pairs, the bench's 2x) they spilled
  // to disk and the query took three times as long per row.
  SqlQuery items;
  items.Add(
      common::WithLargeTempTables(absl::StrCat(
          "WITH supplier_items AS (SELECT p.supplier_id, l.item, p.total_currency AS currency,"
          " CAST(SUM(l.quantity) AS SIGNED) AS qty, CAST(SUM(l.amount_minor) AS SIGNED) AS amt"
          " FROM purchase_orders p JOIN purchase_order_lines l ON l.purchase_order_id = p.id"
          " WHERE ",
          kSpendOrder,
          " GROUP BY p.supplier_id, l.item, p.total_currency ORDER BY NULL)"
          " SELECT x.supplier_id, x.item, x.currency, x.qty, x.amt, x.item_qty, x.item_amt,"
          " x.item_suppliers FROM (SELECT supplier_items.*,"
          " CAST(SUM(qty) OVER item AS SIGNED) AS item_qty,"
          " CAST(SUM(amt) OVER item AS SIGNED) AS item_amt, COUNT(*) OVER item AS item_suppliers"
          " FROM supplier_items WINDOW item AS (PARTITION BY item, currency)) x JOIN (")),
      {cancelled, start, end});
  Append(items, in_scope);
  items.Add(") m ON m.id = x.supplier_id");
  std::map<int64_t, std::pair<double, int64_t>> weighted_price;  // sum of qty * ratio, qty
  rows = common::Query(connection, items);
  while (rows->next()) {
    const int64_t id = rows->getInt64("supplier_id");
    const int64_t qty = rows->getInt64("qty");
    const int64_t amt = rows->getInt64("amt");
    const int64_t item_qty = rows->getInt64("item_qty");
    const int64_t item_amt = rows->getInt64("item_amt");
    figures[id].item_quantities[{common::ReadString(*rows, "item"),
                                 common::ReadString(*rows, "currency")}] = qty;
    if (rows->getInt64("item_suppliers") > 1 && item_qty > qty && item_amt > amt) {
      const double own_price = static_cast<double>(amt) / static_cast<double>(qty);
      const double others_price =
          static_cast<double>(item_amt - amt) / static_cast<double>(item_qty - qty);
      auto& [sum, quantity] = weighted_price[id];
      sum += static_cast<double>(qty) * (own_price / others_price);
      quantity += qty;
    }
  }
  for (const auto& [id, price] : weighted_price) {
    figures[id].price_index = price.first / static_cast<double>(price.second);
  }

  std::vector<ScorecardFigures> result;
  result.reserve(figures.size());
  for (auto& [id, f] : figures) result.push_back(std::move(f));
  return result;
}

MySqlScorecardRepository::MySqlScorecardRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::StatusOr<StoredScorecardWeights> MySqlScorecardRepository::GetWeights(absl::Time deadline) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<StoredScorecardWeights> {
        return SelectScorecardWeights(c, /*for_update=*/false);
      });
}

absl::Status MySqlScorecardRepository::TransactWeights(
    absl::Time deadline, absl::FunctionRef<absl::Status(ScorecardWeightsStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlScorecardWeightsStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::vector<ScorecardFigures>> MySqlScorecardRepository::ComputeFigures(
    absl::Time deadline, const ScorecardScope& scope) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::vector<ScorecardFigures>> {
        return SelectScorecardFigures(c, scope);
      });
}

}  // namespace crm::supplier
