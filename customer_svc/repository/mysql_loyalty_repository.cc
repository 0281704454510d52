#include "customer_svc/repository/mysql_loyalty_repository.h"

#include <cppconn/resultset.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"

namespace crm::customer {
namespace {

using common::SqlQuery;

constexpr char kTransactionColumns[] =
    "t.id, t.customer_id, t.kind, t.points, t.balance_after_points, t.reason, t.reference, "
    "t.request_id, t.create_time";

std::string_view LoyaltyColumnSql(LoyaltyColumn column) {
  switch (column) {
    case LoyaltyColumn::kKind:
      return "t.kind";
    case LoyaltyColumn::kReference:
      return "t.reference";
    case LoyaltyColumn::kCreateTime:
      return "t.create_time";
  }
  return "NULL";
}

absl::StatusOr<StoredLoyaltyTransaction> ReadTransaction(const sql::ResultSet& row) {
  StoredLoyaltyTransaction stored;
  stored.id = row.getInt64("id");
  v1::LoyaltyTransaction& t = stored.transaction;
  t.set_name(common::FormatNestedResourceName(
      {{"customers", row.getInt64("customer_id")}, {"loyaltyTransactions", stored.id}}));
  t.set_kind(static_cast<v1::LoyaltyTransactionKind>(row.getInt("kind")));
  t.set_points(row.getInt64("points"));
  t.set_balance_after_points(row.getInt64("balance_after_points"));
  t.set_reason(common::ReadString(row, "reason"));
  t.set_reference(common::ReadString(row, "reference"));
  t.set_request_id(common::ReadString(row, "request_id"));
  absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, "create_time");
  if (!time.ok()) return time.status();
  *t.mutable_create_time() = *time;
  return stored;
}

absl::StatusOr<v1::LoyaltyBalance> SelectBalance(sql::Connection& connection, int64_t customer_id) {
  SqlQuery query;
  query.Add(
      "SELECT CAST(COALESCE(SUM(points), 0) AS SIGNED) AS balance, "
      "CAST(COALESCE(SUM(IF(points > 0, points, 0)), 0) AS SIGNED) AS earned, "
      "CAST(COALESCE(SUM(IF(points < 0, -points, 0)), 0) AS SIGNED) AS redeemed, "
      "MAX(create_time) AS update_time FROM loyalty_transactions WHERE customer_id = ?",
      {customer_id});
  common::QueryResult row = common::Query(connection, query);
  v1::LoyaltyBalance balance;
  balance.set_customer(common::FormatResourceName("customers", customer_id));
  if (!row->next()) return balance;
  balance.set_balance_points(row->getInt64("balance"));
  balance.set_lifetime_earned_points(row->getInt64("earned"));
  balance.set_lifetime_redeemed_points(row->getInt64("redeemed"));
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> time =
      common::ReadOptionalTimestamp(*row, "update_time");
  if (!time.ok()) return time.status();
  if (time->has_value()) *balance.mutable_update_time() = **time;
  return balance;
}

absl::StatusOr<std::optional<LoyaltyCustomer>> SelectCustomer(sql::Connection& connection,
                                                              int64_t customer_id,
                                                              bool for_update) {
  SqlQuery query;
  query.Add(
      absl::StrCat("SELECT id, delete_time IS NOT NULL AS deleted FROM customers WHERE id = ?",
                   for_update ? " FOR UPDATE" : ""),
      {customer_id});
  common::QueryResult row = common::Query(connection, query);
  if (!row->next()) return std::nullopt;
  return LoyaltyCustomer{row->getInt64("id"), row->getBoolean("deleted")};
}

class MySqlLoyaltyStore final : public LoyaltyStore {
 public:
  explicit MySqlLoyaltyStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<LoyaltyCustomer>> LockCustomer(int64_t customer_id) override {
    return SelectCustomer(connection_, customer_id, /*for_update=*/true);
  }

  absl::StatusOr<v1::LoyaltyBalance> Balance(int64_t customer_id) override {
    return SelectBalance(connection_, customer_id);
  }

  absl::StatusOr<v1::LoyaltyTransaction> InsertTransaction(
      int64_t customer_id, const v1::LoyaltyTransaction& t) override {
    SqlQuery insert;
    insert.Add(
        "INSERT INTO loyalty_transactions (customer_id, kind, points, balance_after_points, "
        "reason, reference, request_id, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {customer_id, int64_t{t.kind()}, t.points(), t.balance_after_points(), t.reason(),
         t.reference(), t.request_id(), common::SqlTime(t.create_time())});
    common::Execute(connection_, insert);
    v1::LoyaltyTransaction stored = t;
    stored.set_name(common::FormatNestedResourceName(
        {{"customers", customer_id}, {"loyaltyTransactions", common::LastInsertId(connection_)}}));
    return stored;
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  sql::Connection& connection_;
};

}  // namespace

std::unique_ptr<LoyaltyStore> MakeMySqlLoyaltyStore(sql::Connection& connection) {
  return std::make_unique<MySqlLoyaltyStore>(connection);
}

MySqlLoyaltyRepository::MySqlLoyaltyRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlLoyaltyRepository::Transact(absl::Time deadline,
                                              absl::FunctionRef<absl::Status(LoyaltyStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlLoyaltyStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlLoyaltyRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(LoyaltyStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlLoyaltyStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<LoyaltyCustomer>> MySqlLoyaltyRepository::GetCustomer(
    absl::Time deadline, int64_t customer_id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<LoyaltyCustomer>> {
        return SelectCustomer(c, customer_id, /*for_update=*/false);
      });
}

absl::StatusOr<v1::LoyaltyBalance> MySqlLoyaltyRepository::GetBalance(absl::Time deadline,
                                                                      int64_t customer_id) {
  return common::ReadWithConnection(pool_, deadline,
                                    [&](sql::Connection& c) -> absl::StatusOr<v1::LoyaltyBalance> {
                                      return SelectBalance(c, customer_id);
                                    });
}

absl::StatusOr<std::vector<StoredLoyaltyTransaction>> MySqlLoyaltyRepository::ListTransactions(
    absl::Time deadline, const LoyaltyListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kTransactionColumns,
                         " FROM loyalty_transactions t WHERE t.customer_id = ?"),
            {list.customer_id});
  common::AddConditions(query, list.conditions, &LoyaltyColumnSql);
  if (list.before_id.has_value()) query.Add(" AND t.id < ?", {*list.before_id});
  query.Add(" ORDER BY t.id DESC LIMIT ?", {int64_t{list.limit}});
  return common::ReadRows(pool_, deadline, query, ReadTransaction);
}

}  // namespace crm::customer
