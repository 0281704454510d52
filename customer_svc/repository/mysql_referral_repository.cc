#include "customer_svc/repository/mysql_referral_repository.h"

#include <cppconn/resultset.h>

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
#include "crm/customer/v1/customer.pb.h"
#include "customer_svc/repository/mysql_loyalty_repository.h"

namespace crm::customer {
namespace {

using common::SqlNull;
using common::SqlQuery;
using common::SqlValue;

constexpr char kReferralColumns[] =
    "r.id, r.customer_id, r.referred_customer_id, r.referee_display_name, r.referee_email, "
    "r.state, r.reward_points, r.reward_transaction_id, r.decline_reason, r.qualify_time, "
    "r.reward_time, r.version, r.create_time, r.update_time";

std::string_view ReferralColumnSql(ReferralColumn column) {
  switch (column) {
    case ReferralColumn::kState:
      return "r.state";
    case ReferralColumn::kReferredCustomer:
      return "r.referred_customer_id";
    case ReferralColumn::kCreateTime:
      return "r.create_time";
  }
  return "NULL";
}

absl::StatusOr<StoredReferral> ReadReferral(const sql::ResultSet& row) {
  StoredReferral stored;
  stored.id = row.getInt64("id");
  stored.customer_id = row.getInt64("customer_id");
  stored.version = row.getInt64("version");
  v1::Referral& r = stored.referral;
  r.set_name(common::FormatNestedResourceName(
      {{"customers", stored.customer_id}, {"referrals", stored.id}}));
  if (!row.isNull("referred_customer_id")) {
    r.set_referred_customer(
        common::FormatResourceName("customers", row.getInt64("referred_customer_id")));
  }
  r.set_referee_display_name(common::ReadString(row, "referee_display_name"));
  r.set_referee_email(common::ReadString(row, "referee_email"));
  r.set_state(static_cast<v1::ReferralState>(row.getInt("state")));
  r.set_reward_points(row.getInt64("reward_points"));
  if (!row.isNull("reward_transaction_id")) {
    r.set_reward_transaction(common::FormatNestedResourceName(
        {{"customers", stored.customer_id},
         {"loyaltyTransactions", row.getInt64("reward_transaction_id")}}));
  }
  r.set_decline_reason(common::ReadString(row, "decline_reason"));
  r.set_etag(common::FormatEtag(stored.version));
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"create_time", r.mutable_create_time()}, {"update_time", r.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"qualify_time", r.mutable_qualify_time()}, {"reward_time", r.mutable_reward_time()}}) {
    absl::StatusOr<std::optional<google::protobuf::Timestamp>> time =
        common::ReadOptionalTimestamp(row, column);
    if (!time.ok()) return time.status();
    if (time->has_value()) {
      *field = **time;
    }
  }
  return stored;
}

SqlValue OptionalId(const std::string& name, std::string_view collection) {
  if (name.empty()) return SqlNull{};
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", name, collection);
  return id.ok() ? SqlValue(*id) : SqlValue(SqlNull{});
}

SqlValue RewardTransactionId(const std::string& name) {
  if (name.empty()) return SqlNull{};
  static const std::vector<std::string_view> kCollections = {"customers", "loyaltyTransactions"};
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseNestedResourceName("reward_transaction", name, kCollections);
  return ids.ok() ? SqlValue((*ids)[1]) : SqlValue(SqlNull{});
}

SqlValue OptionalTime(bool set, const google::protobuf::Timestamp& time) {
  return set ? SqlValue(common::SqlTime(time)) : SqlValue(SqlNull{});
}

constexpr char kWrittenColumns[] =
    "referred_customer_id = ?, referee_display_name = ?, referee_email = ?, state = ?, "
    "reward_points = ?, reward_transaction_id = ?, decline_reason = ?, qualify_time = ?, "
    "reward_time = ?, create_time = ?, update_time = ?";

std::vector<SqlValue> WrittenValues(const v1::Referral& r) {
  return {OptionalId(r.referred_customer(), "customers"),
          r.referee_display_name(),
          r.referee_email(),
          int64_t{r.state()},
          r.reward_points(),
          RewardTransactionId(r.reward_transaction()),
          r.decline_reason(),
          OptionalTime(r.has_qualify_time(), r.qualify_time()),
          OptionalTime(r.has_reward_time(), r.reward_time()),
          common::SqlTime(r.create_time()),
          common::SqlTime(r.update_time())};
}

absl::StatusOr<std::optional<StoredReferral>> SelectReferral(sql::Connection& connection,
                                                             int64_t customer_id, int64_t id,
                                                             bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kReferralColumns,
                         " FROM referrals r WHERE r.id = ? AND r.customer_id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id, customer_id});
  return common::QueryOptionalRow(connection, query, ReadReferral);
}

class MySqlReferralStore final : public ReferralStore {
 public:
  explicit MySqlReferralStore(sql::Connection& connection)
      : connection_(connection), loyalty_(MakeMySqlLoyaltyStore(connection)) {}

  absl::StatusOr<std::optional<ReferralCustomer>> LockCustomer(int64_t customer_id) override {
    SqlQuery query;
    query.Add(
        "SELECT c.id, c.delete_time IS NOT NULL AS deleted, c.lifecycle_stage, c.stage_enter_time, "
        "(SELECT MIN(t.transition_time) FROM lifecycle_transitions t WHERE t.customer_id = c.id "
        "AND t.to_stage = ?) AS first_active FROM customers c WHERE c.id = ? LOCK IN SHARE MODE",
        {int64_t{v1::LIFECYCLE_STAGE_ACTIVE}, customer_id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    ReferralCustomer customer;
    customer.id = row->getInt64("id");
    customer.deleted = row->getBoolean("deleted");
    absl::StatusOr<std::optional<google::protobuf::Timestamp>> first =
        common::ReadOptionalTimestamp(*row, "first_active");
    if (!first.ok()) return first.status();
    if (first->has_value()) {
      customer.first_active_time = common::FromProtoTimestamp(**first);
    } else if (row->getInt("lifecycle_stage") == v1::LIFECYCLE_STAGE_ACTIVE) {
      absl::StatusOr<google::protobuf::Timestamp> entered =
          common::ReadTimestamp(*row, "stage_enter_time");
      if (!entered.ok()) return entered.status();
      customer.first_active_time = common::FromProtoTimestamp(*entered);
    }
    return customer;
  }

  absl::StatusOr<std::optional<StoredReferral>> LockReferral(int64_t customer_id,
                                                             int64_t id) override {
    return SelectReferral(connection_, customer_id, id, /*for_update=*/true);
  }

  absl::StatusOr<std::optional<std::string>> FindReferralOf(int64_t referred_customer_id) override {
    SqlQuery query;
    query.Add("SELECT id, customer_id FROM referrals WHERE referred_customer_id = ? FOR UPDATE",
              {referred_customer_id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    return common::FormatNestedResourceName(
        {{"customers", row->getInt64("customer_id")}, {"referrals", row->getInt64("id")}});
  }

  absl::StatusOr<StoredReferral> InsertReferral(int64_t customer_id,
                                                const v1::Referral& referral) override {
    SqlQuery insert;
    insert.Add(
        absl::StrCat("INSERT INTO referrals SET customer_id = ?, version = 1, ", kWrittenColumns),
        {customer_id});
    for (SqlValue& value : WrittenValues(referral)) insert.params.push_back(std::move(value));
    common::Execute(connection_, insert);
    absl::StatusOr<std::optional<StoredReferral>> stored =
        SelectReferral(connection_, customer_id, common::LastInsertId(connection_), false);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("inserted referral vanished");
    return **std::move(stored);
  }

  absl::StatusOr<StoredReferral> UpdateReferral(const StoredReferral& stored,
                                                const v1::Referral& referral) override {
    SqlQuery update;
    update.Add(absl::StrCat("UPDATE referrals SET version = version + 1, ", kWrittenColumns));
    for (SqlValue& value : WrittenValues(referral)) update.params.push_back(std::move(value));
    update.Add(" WHERE id = ? AND version = ?", {stored.id, stored.version});
    if (common::Execute(connection_, update) != 1) {
      return absl::AbortedError(
          absl::StrCat(stored.referral.name(), " was modified concurrently; re-read and retry"));
    }
    absl::StatusOr<std::optional<StoredReferral>> result =
        SelectReferral(connection_, stored.customer_id, stored.id, false);
    if (!result.ok()) return result.status();
    if (!result->has_value()) return absl::InternalError("updated referral vanished");
    return **std::move(result);
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

  LoyaltyStore& Loyalty() override { return *loyalty_; }

 private:
  sql::Connection& connection_;
  std::unique_ptr<LoyaltyStore> loyalty_;
};

}  // namespace

int64_t QualifyReferralsOf(sql::Connection& connection, int64_t referred_customer_id,
                           absl::Time time) {
  SqlQuery update;
  const std::string now = common::FormatMysqlDatetime(time);
  update.Add(
      "UPDATE referrals SET state = ?, qualify_time = ?, update_time = ?, version = version + 1 "
      "WHERE referred_customer_id = ? AND state = ?",
      {int64_t{v1::REFERRAL_STATE_QUALIFIED}, now, now, referred_customer_id,
       int64_t{v1::REFERRAL_STATE_PENDING}});
  return common::Execute(connection, update);
}

MySqlReferralRepository::MySqlReferralRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlReferralRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(ReferralStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlReferralStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlReferralRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(ReferralStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlReferralStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredReferral>> MySqlReferralRepository::GetReferral(
    absl::Time deadline, int64_t customer_id, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredReferral>> {
        return SelectReferral(c, customer_id, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredReferral>> MySqlReferralRepository::ListReferrals(
    absl::Time deadline, const ReferralListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kReferralColumns, " FROM referrals r WHERE TRUE"));
  if (list.customer_id.has_value()) query.Add(" AND r.customer_id = ?", {*list.customer_id});
  common::AddConditions(query, list.conditions, &ReferralColumnSql);
  const std::string sort = list.order == ReferralOrder::kState ? "r.state" : "r.create_time";
  const char* op = list.descending ? "<" : ">";
  if (list.after_sort_value.has_value()) {
    int64_t state = 0;
    SqlValue value =
        list.order == ReferralOrder::kState && absl::SimpleAtoi(*list.after_sort_value, &state)
            ? SqlValue(state)
            : SqlValue(*list.after_sort_value);
    query.Add(absl::StrCat(" AND (", sort, " ", op, " ? OR (", sort, " = ? AND r.id ", op, " ?))"),
              {value, value, list.after_id});
  }
  const char* direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", r.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  return common::ReadRows(pool_, deadline, query, ReadReferral);
}

}  // namespace crm::customer
