#include "customer_svc/repository/mysql_insight_repository.h"

#include <cppconn/resultset.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/time_util.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"
#include "customer_svc/repository/lifecycle_moves.h"

namespace crm::customer {
namespace {

using common::SqlQuery;

// Purchases that count as bought: OPEN or FULFILLED, not deleted.
constexpr char kCountedStates[] = "(1, 2)";

std::string Time(absl::Time time) { return common::FormatMysqlDatetime(time); }

absl::StatusOr<absl::Time> ReadTime(const sql::ResultSet& row, const std::string& column) {
  absl::StatusOr<absl::Time> time = common::ParseMysqlDatetime(common::ReadString(row, column));
  if (!time.ok()) return absl::InternalError(absl::StrCat("stored ", column, " is unreadable"));
  return *time;
}

// The CASE expression that maps columns r, f, m to the segment number, built
// from the segment table (constants only, in precedence order).
std::string SegmentCaseSql() {
  std::string sql = "CASE";
  for (const SegmentRule& rule : SegmentRules()) {
    absl::StrAppend(
        &sql, absl::StrFormat(" WHEN r BETWEEN %d AND %d AND f BETWEEN %d AND %d AND m BETWEEN %d "
                              "AND %d THEN %d",
                              rule.r_min, rule.r_max, rule.f_min, rule.f_max, rule.m_min,
                              rule.m_max, static_cast<int>(rule.segment)));
  }
  absl::StrAppend(&sql, " ELSE 0 END");
  return sql;
}

// WITH ... segmented: one row per scored customer with its scores and
// segment at `now` (placeholders: window start, now).
void AddScoredCustomers(SqlQuery& query, absl::Time now) {
  const absl::Time window_start = now - absl::Hours(24 * kRfmWindowDays);
  query.Add(absl::StrCat(
                "WITH counted AS ("
                " SELECT p.customer_id, p.purchase_time, p.amount_minor, p.currency,"
                "  IF(p.purchase_time >= ?, 1, 0) AS in_window"
                " FROM purchases p JOIN customers c ON c.id = p.customer_id"
                " WHERE c.delete_time IS NULL AND p.delete_time IS NULL AND p.state IN ",
                kCountedStates,
                " AND p.purchase_time <= ?),"
                " per_customer AS ("
                " SELECT customer_id, MAX(purchase_time) AS last_time,"
                "  SUM(in_window) AS purchase_count"
                " FROM counted GROUP BY customer_id),"
                " per_currency AS ("
                " SELECT customer_id, currency,"
                "  SUM(IF(in_window = 1, amount_minor, 0)) AS window_amount,"
                "  SUM(amount_minor) AS total_amount"
                " FROM counted GROUP BY customer_id, currency),"
                " main_currency AS ("
                " SELECT customer_id, currency, window_amount FROM ("
                "  SELECT customer_id, currency, window_amount, ROW_NUMBER() OVER ("
                "   PARTITION BY customer_id ORDER BY window_amount DESC, total_amount DESC,"
                "   currency) AS pick"
                "  FROM per_currency) picked WHERE pick = 1),"
                " ranked AS ("
                " SELECT pc.customer_id, pc.last_time, pc.purchase_count, mc.currency,"
                "  mc.window_amount,"
                "  RANK() OVER (ORDER BY pc.last_time) AS r_rank,"
                "  RANK() OVER (ORDER BY pc.purchase_count) AS f_rank,"
                "  RANK() OVER (PARTITION BY mc.currency ORDER BY mc.window_amount) AS m_rank,"
                "  COUNT(*) OVER () AS n,"
                "  COUNT(*) OVER (PARTITION BY mc.currency) AS n_currency"
                " FROM per_customer pc JOIN main_currency mc ON mc.customer_id = pc.customer_id),"
                " scored AS ("
                " SELECT customer_id, last_time, purchase_count, currency, window_amount,"
                "  1 + (5 * (r_rank - 1)) DIV n AS r,"
                "  1 + (5 * (f_rank - 1)) DIV n AS f,"
                "  1 + (5 * (m_rank - 1)) DIV n_currency AS m"
                " FROM ranked),"
                " segmented AS ("
                " SELECT s.*, ",
                SegmentCaseSql(), " AS segment FROM scored s)"),
            {Time(window_start), Time(now)});
}

std::string_view RfmColumnSql(RfmColumn column) {
  switch (column) {
    case RfmColumn::kSegment:
      return "segment";
    case RfmColumn::kRecencyScore:
      return "r";
    case RfmColumn::kFrequencyScore:
      return "f";
    case RfmColumn::kMonetaryScore:
      return "m";
  }
  return "NULL";
}

std::string_view RfmOrderSql(RfmOrder order) {
  switch (order) {
    case RfmOrder::kRecencyScore:
      return "r";
    case RfmOrder::kFrequencyScore:
      return "f";
    case RfmOrder::kMonetaryScore:
      return "m";
    case RfmOrder::kCustomer:
      break;
  }
  return "customer_id";
}

class MySqlInsightStore final : public InsightStore {
 public:
  explicit MySqlInsightStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::vector<InactiveCustomer>> LockInactiveCustomers(absl::Time cutoff) override {
    SqlQuery query;
    query.Add(
        absl::StrCat("SELECT c.id, c.lifecycle_stage,"
                     " GREATEST(c.stage_enter_time, COALESCE(lp.t, c.stage_enter_time),"
                     "  COALESCE(li.t, c.stage_enter_time)) AS last_activity"
                     " FROM customers c"
                     " LEFT JOIN (SELECT customer_id, MAX(purchase_time) AS t FROM purchases"
                     "  WHERE delete_time IS NULL AND state IN ",
                     kCountedStates,
                     " GROUP BY customer_id) lp ON lp.customer_id = c.id"
                     " LEFT JOIN (SELECT customer_id, MAX(occur_time) AS t FROM interactions"
                     "  WHERE delete_time IS NULL GROUP BY customer_id) li ON li.customer_id = c.id"
                     " WHERE c.delete_time IS NULL AND c.lifecycle_stage IN (?, ?)"
                     " HAVING last_activity < ? ORDER BY c.id"),
        {int64_t{v1::LIFECYCLE_STAGE_ACTIVE}, int64_t{v1::LIFECYCLE_STAGE_WON_BACK}, Time(cutoff)});
    std::vector<InactiveCustomer> candidates;
    {
      common::QueryResult rows = common::Query(connection_, query);
      while (rows->next()) {
        InactiveCustomer customer;
        customer.id = rows->getInt64("id");
        customer.stage = static_cast<v1::LifecycleStage>(rows->getInt("lifecycle_stage"));
        absl::StatusOr<absl::Time> last = ReadTime(*rows, "last_activity");
        if (!last.ok()) return last.status();
        customer.last_activity = *last;
        candidates.push_back(customer);
      }
    }
    if (candidates.empty()) return candidates;
    // Lock the candidates and keep those still in a stage that can move.
    SqlQuery lock;
    lock.Add(
        absl::StrCat("SELECT id, lifecycle_stage FROM customers WHERE delete_time IS NULL "
                     "AND id IN (",
                     common::Placeholders(candidates.size()), ") FOR UPDATE"));
    for (const InactiveCustomer& customer : candidates) lock.params.push_back(customer.id);
    std::vector<InactiveCustomer> locked;
    common::QueryResult rows = common::Query(connection_, lock);
    std::vector<std::pair<int64_t, int>> stages;
    while (rows->next()) stages.emplace_back(rows->getInt64("id"), rows->getInt("lifecycle_stage"));
    for (const InactiveCustomer& customer : candidates) {
      for (const auto& [id, stage] : stages) {
        if (id == customer.id && stage == customer.stage) locked.push_back(customer);
      }
    }
    return locked;
  }

  absl::Status MoveStage(const StageMove& move) override {
    return StoreStageMove(connection_, move);
  }

 private:
  sql::Connection& connection_;
};

}  // namespace

MySqlInsightRepository::MySqlInsightRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlInsightRepository::Transact(absl::Time deadline,
                                              absl::FunctionRef<absl::Status(InsightStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlInsightStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlInsightRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(InsightStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlInsightStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<CustomerBasics>> MySqlInsightRepository::GetCustomer(
    absl::Time deadline, int64_t id) {
  std::optional<CustomerBasics> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    SqlQuery query;
    query.Add(
        "SELECT id, lifecycle_stage, account_manager, delete_time FROM customers WHERE id = ?",
        {id});
    common::QueryResult row = common::Query(c, query);
    if (!row->next()) return absl::OkStatus();
    CustomerBasics basics;
    basics.id = row->getInt64("id");
    basics.stage = static_cast<v1::LifecycleStage>(row->getInt("lifecycle_stage"));
    basics.account_manager = common::ReadString(*row, "account_manager");
    basics.deleted = !row->isNull("delete_time");
    result = std::move(basics);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<std::vector<RfmRow>> MySqlInsightRepository::ListRfm(absl::Time deadline,
                                                                    const RfmQuery& list) {
  SqlQuery query;
  AddScoredCustomers(query, list.now);
  query.Add(
      " SELECT customer_id, last_time, purchase_count, currency, window_amount, r, f, m, segment"
      " FROM segmented WHERE TRUE");
  if (list.customer_id.has_value()) query.Add(" AND customer_id = ?", {*list.customer_id});
  common::AddConditions(query, list.conditions, &RfmColumnSql);
  const std::string sort(RfmOrderSql(list.order));
  const std::string op = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    query.Add(absl::StrCat(" AND (", sort, op, " OR (", sort, " = ? AND customer_id", op, "))"),
              {list.after->sort_value, list.after->sort_value, list.after->customer_id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", customer_id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  std::vector<RfmRow> rows;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult result = common::Query(c, query);
    while (result->next()) {
      RfmRow row;
      row.customer_id = result->getInt64("customer_id");
      absl::StatusOr<absl::Time> last = ReadTime(*result, "last_time");
      if (!last.ok()) return last.status();
      row.last_purchase_time = *last;
      row.purchase_count = result->getInt64("purchase_count");
      row.currency = common::ReadString(*result, "currency");
      row.monetary_minor = result->getInt64("window_amount");
      row.recency_score = result->getInt("r");
      row.frequency_score = result->getInt("f");
      row.monetary_score = result->getInt("m");
      row.segment = static_cast<v1::RfmSegment>(result->getInt("segment"));
      rows.push_back(std::move(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<std::vector<SegmentCount>> MySqlInsightRepository::CountSegments(absl::Time deadline,
                                                                                absl::Time now) {
  SqlQuery query;
  AddScoredCustomers(query, now);
  query.Add(" SELECT segment, COUNT(*) AS n FROM segmented GROUP BY segment ORDER BY segment");
  std::vector<SegmentCount> counts;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult result = common::Query(c, query);
    while (result->next()) {
      counts.push_back(
          {static_cast<v1::RfmSegment>(result->getInt("segment")), result->getInt64("n")});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return counts;
}

absl::StatusOr<HealthInputs> MySqlInsightRepository::GetHealthInputs(absl::Time deadline,
                                                                     int64_t customer_id,
                                                                     absl::Time now) {
  const std::string t_now = Time(now);
  const std::string t_90 = Time(now - absl::Hours(24 * 90));
  const std::string t_180 = Time(now - absl::Hours(24 * 180));
  const std::string t_365 = Time(now - absl::Hours(24 * 365));
  const std::string purchases = absl::StrCat(
      "FROM purchases WHERE customer_id = ? AND delete_time IS NULL AND state IN ", kCountedStates);
  SqlQuery query;
  query.Add(absl::StrCat("SELECT (SELECT MAX(purchase_time) ", purchases,
                         " AND purchase_time <= ?) AS last_purchase,"),
            {customer_id, t_now});
  query.Add(absl::StrCat(" (SELECT COUNT(*) ", purchases,
                         " AND purchase_time > ? AND purchase_time <= ?) AS recent_purchases,"),
            {customer_id, t_90, t_now});
  query.Add(absl::StrCat(" (SELECT COUNT(*) ", purchases,
                         " AND purchase_time > ? AND purchase_time <= ?) AS earlier_purchases,"),
            {customer_id, t_180, t_90});
  query.Add(
      " (SELECT COUNT(*) FROM service_cases WHERE customer_id = ? AND delete_time IS NULL"
      "  AND status IN (1, 2)) AS open_cases,"
      " (SELECT COUNT(*) FROM service_cases WHERE customer_id = ? AND delete_time IS NULL"
      "  AND create_time > ? AND ((status IN (1, 2) AND sla_due_time < ?)"
      "  OR (resolve_time IS NOT NULL AND resolve_time > sla_due_time))) AS breaches,",
      {customer_id, customer_id, t_365, t_now});
  query.Add(
      " (SELECT score FROM feedback WHERE customer_id = ? AND kind = 1 AND respond_time <= ?"
      "  ORDER BY respond_time DESC, id DESC LIMIT 1) AS nps,"
      " (SELECT COUNT(*) FROM feedback WHERE customer_id = ? AND kind = 2"
      "  AND respond_time > ? AND respond_time <= ?) AS csat_count,"
      " (SELECT COALESCE(AVG(score), 0) FROM feedback WHERE customer_id = ? AND kind = 2"
      "  AND respond_time > ? AND respond_time <= ?) AS csat_average,",
      {customer_id, t_now, customer_id, t_180, t_now, customer_id, t_180, t_now});
  query.Add(
      " (SELECT COUNT(*) FROM interactions WHERE customer_id = ? AND delete_time IS NULL"
      "  AND occur_time > ? AND occur_time <= ?) AS interactions,"
      " (SELECT COUNT(*) FROM interactions WHERE customer_id = ? AND delete_time IS NULL"
      "  AND occur_time > ? AND occur_time <= ? AND sentiment = 1) AS positive,"
      " (SELECT COUNT(*) FROM interactions WHERE customer_id = ? AND delete_time IS NULL"
      "  AND occur_time > ? AND occur_time <= ? AND sentiment = 3) AS negative,",
      {customer_id, t_90, t_now, customer_id, t_90, t_now, customer_id, t_90, t_now});
  query.Add(
      " (SELECT COUNT(*) FROM loyalty_transactions WHERE customer_id = ?"
      "  AND create_time > ? AND create_time <= ?) AS loyalty",
      {customer_id, t_180, t_now});
  HealthInputs inputs;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult row = common::Query(c, query);
    if (!row->next()) return absl::InternalError("health inputs query returned no row");
    if (!row->isNull("last_purchase")) {
      absl::StatusOr<absl::Time> last = ReadTime(*row, "last_purchase");
      if (!last.ok()) return last.status();
      inputs.last_purchase_time = *last;
    }
    inputs.purchases_last_90_days = row->getInt64("recent_purchases");
    inputs.purchases_previous_90_days = row->getInt64("earlier_purchases");
    inputs.open_cases = row->getInt64("open_cases");
    inputs.sla_breaches = row->getInt64("breaches");
    if (!row->isNull("nps")) inputs.latest_nps_score = row->getInt("nps");
    inputs.csat_count_180_days = row->getInt64("csat_count");
    inputs.csat_average_180_days = static_cast<double>(row->getDouble("csat_average"));
    inputs.interactions_90_days = row->getInt64("interactions");
    inputs.positive_interactions_90_days = row->getInt64("positive");
    inputs.negative_interactions_90_days = row->getInt64("negative");
    inputs.loyalty_transactions_180_days = row->getInt64("loyalty");
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return inputs;
}

absl::StatusOr<std::optional<absl::Time>> MySqlInsightRepository::GetLastFeedbackTime(
    absl::Time deadline, int64_t customer_id) {
  std::optional<absl::Time> result;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    SqlQuery query;
    query.Add("SELECT MAX(respond_time) AS t FROM feedback WHERE customer_id = ?", {customer_id});
    common::QueryResult row = common::Query(c, query);
    if (row->next() && !row->isNull("t")) {
      absl::StatusOr<absl::Time> time = ReadTime(*row, "t");
      if (!time.ok()) return time.status();
      result = *time;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<CoPurchaseStats> MySqlInsightRepository::GetCoPurchaseStats(absl::Time deadline,
                                                                           int64_t customer_id) {
  const std::string baskets = absl::StrCat(
      "WITH baskets AS (SELECT DISTINCT p.customer_id, p.sku FROM purchases p"
      " JOIN customers c ON c.id = p.customer_id"
      " WHERE c.delete_time IS NULL AND p.delete_time IS NULL AND p.state IN ",
      kCountedStates, ")");
  CoPurchaseStats stats;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    {
      SqlQuery total;
      total.Add(absl::StrCat(baskets, " SELECT COUNT(DISTINCT customer_id) AS n FROM baskets"));
      common::QueryResult row = common::Query(c, total);
      if (row->next()) stats.baskets = row->getInt64("n");
    }
    {
      SqlQuery owned;
      owned.Add(
          absl::StrCat(baskets, " SELECT sku FROM baskets WHERE customer_id = ? ORDER BY sku"),
          {customer_id});
      common::QueryResult rows = common::Query(c, owned);
      while (rows->next()) stats.owned_skus.push_back(common::ReadString(*rows, "sku"));
    }
    SqlQuery pairs;
    pairs.Add(
        absl::StrCat(baskets,
                     ", sku_baskets AS (SELECT sku, COUNT(*) AS n FROM baskets GROUP BY sku),"
                     " owned AS (SELECT sku FROM baskets WHERE customer_id = ?)"
                     " SELECT x.sku AS antecedent, y.sku AS consequent, COUNT(*) AS both_count,"
                     "  MAX(xs.n) AS antecedent_baskets, MAX(ys.n) AS consequent_baskets"
                     " FROM baskets x"
                     " JOIN owned o ON o.sku = x.sku"
                     " JOIN baskets y ON y.customer_id = x.customer_id AND y.sku <> x.sku"
                     " JOIN sku_baskets xs ON xs.sku = x.sku"
                     " JOIN sku_baskets ys ON ys.sku = y.sku"
                     " WHERE y.sku NOT IN (SELECT sku FROM owned)"
                     " GROUP BY x.sku, y.sku ORDER BY x.sku, y.sku"),
        {customer_id});
    common::QueryResult rows = common::Query(c, pairs);
    while (rows->next()) {
      CoPurchase pair;
      pair.antecedent = common::ReadString(*rows, "antecedent");
      pair.consequent = common::ReadString(*rows, "consequent");
      pair.both = rows->getInt64("both_count");
      pair.antecedent_baskets = rows->getInt64("antecedent_baskets");
      pair.consequent_baskets = rows->getInt64("consequent_baskets");
      stats.candidates.push_back(std::move(pair));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return stats;
}

}  // namespace crm::customer
