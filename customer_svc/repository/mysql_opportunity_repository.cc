#include "customer_svc/repository/mysql_opportunity_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/split.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"

namespace crm::customer {
namespace {

using common::SqlNull;
using common::SqlQuery;
using common::SqlTime;
using common::SqlValue;

constexpr char kStageColumns[] =
    "s.id, s.display_name, s.position, s.probability_percent, s.outcome, s.version, "
    "s.create_time, s.update_time, s.delete_time";

constexpr char kOpportunityColumns[] =
    "o.id, o.customer_id, o.title, o.description, o.pipeline_stage_id, o.probability_percent, "
    "o.amount_minor, o.currency_code, o.weighted_amount_minor, o.expected_close_date, o.owner, "
    "o.state, o.lost_reason, o.close_time, o.skus, o.partner_deal, o.version, o.create_time, "
    "o.update_time, o.delete_time";

std::string_view OpportunityColumnSql(OpportunityColumn column) {
  switch (column) {
    case OpportunityColumn::kPipelineStage:
      return "o.pipeline_stage_id";
    case OpportunityColumn::kState:
      return "o.state";
    case OpportunityColumn::kOwner:
      return "o.owner";
    case OpportunityColumn::kExpectedCloseDate:
      return "o.expected_close_date";
    case OpportunityColumn::kPartnerDeal:
      return "o.partner_deal";
    case OpportunityColumn::kSku:
      return "o.skus";
  }
  return "NULL";
}

std::string_view OrderColumnSql(OpportunityOrder order) {
  switch (order) {
    case OpportunityOrder::kExpectedCloseDate:
      return "o.expected_close_date";
    case OpportunityOrder::kAmount:
      return "o.amount_minor";
    case OpportunityOrder::kCreateTime:
      break;
  }
  return "o.create_time";
}

void AddOpportunityConditions(SqlQuery& query,
                              const std::vector<OpportunityCondition>& conditions) {
  for (const OpportunityCondition& condition : conditions) {
    if (condition.column == OpportunityColumn::kSku) {
      query.Add(" AND JSON_CONTAINS(o.skus, JSON_QUOTE(?))",
                {std::get<std::string>(condition.value)});
      continue;
    }
    common::AddCondition(query, OpportunityColumnSql(condition.column), condition.match,
                         condition.value);
  }
}

// SKUs are restricted to [A-Za-z0-9._/-], so a JSON array of them needs no escapes.
std::string SkusJson(const v1::Opportunity& opportunity) {
  std::vector<std::string> quoted;
  for (const std::string& sku : opportunity.skus()) quoted.push_back(absl::StrCat("\"", sku, "\""));
  return absl::StrCat("[", absl::StrJoin(quoted, ","), "]");
}

void ReadSkus(std::string_view json, v1::Opportunity& opportunity) {
  if (json.size() < 2) return;
  for (std::string_view item : common::SplitOn(json.substr(1, json.size() - 2), ',')) {
    while (!item.empty() && (item.front() == ' ' || item.front() == '"')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '"')) item.remove_suffix(1);
    if (!item.empty()) opportunity.add_skus(std::string(item));
  }
}

absl::Status ReadTimes(const sql::ResultSet& row, google::protobuf::Timestamp* create_time,
                       google::protobuf::Timestamp* update_time,
                       google::protobuf::Timestamp* delete_time) {
  absl::StatusOr<google::protobuf::Timestamp> created = common::ReadTimestamp(row, "create_time");
  if (!created.ok()) return created.status();
  *create_time = *created;
  absl::StatusOr<google::protobuf::Timestamp> updated = common::ReadTimestamp(row, "update_time");
  if (!updated.ok()) return updated.status();
  *update_time = *updated;
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> deleted =
      common::ReadOptionalTimestamp(row, "delete_time");
  if (!deleted.ok()) return deleted.status();
  if (deleted->has_value()) *delete_time = **deleted;
  return absl::OkStatus();
}

absl::StatusOr<StoredStage> ReadStage(const sql::ResultSet& row) {
  StoredStage stored;
  stored.id = row.getInt64("id");
  stored.version = row.getInt64("version");
  v1::PipelineStage& stage = stored.stage;
  stage.set_name(common::FormatResourceName("pipelineStages", stored.id));
  stage.set_display_name(common::ReadString(row, "display_name"));
  stage.set_position(row.getInt("position"));
  stage.set_probability_percent(row.getInt("probability_percent"));
  stage.set_outcome(static_cast<v1::PipelineStageOutcome>(row.getInt("outcome")));
  stage.set_etag(common::FormatEtag(stored.version));
  absl::Status times = ReadTimes(row, stage.mutable_create_time(), stage.mutable_update_time(),
                                 stage.mutable_delete_time());
  if (!times.ok()) return times;
  if (row.isNull("delete_time")) stage.clear_delete_time();
  return stored;
}

absl::StatusOr<StoredOpportunity> ReadOpportunity(const sql::ResultSet& row) {
  StoredOpportunity stored;
  stored.id = row.getInt64("id");
  stored.customer_id = row.getInt64("customer_id");
  stored.version = row.getInt64("version");
  v1::Opportunity& opportunity = stored.opportunity;
  opportunity.set_name(common::FormatNestedResourceName(
      {{"customers", stored.customer_id}, {"opportunities", stored.id}}));
  opportunity.set_title(common::ReadString(row, "title"));
  opportunity.set_description(common::ReadString(row, "description"));
  opportunity.set_pipeline_stage(
      common::FormatResourceName("pipelineStages", row.getInt64("pipeline_stage_id")));
  opportunity.set_probability_percent(row.getInt("probability_percent"));
  const std::string currency = common::ReadString(row, "currency_code");
  opportunity.mutable_amount()->set_amount_minor(row.getInt64("amount_minor"));
  opportunity.mutable_amount()->set_currency_code(currency);
  opportunity.mutable_weighted_amount()->set_amount_minor(row.getInt64("weighted_amount_minor"));
  opportunity.mutable_weighted_amount()->set_currency_code(currency);
  absl::StatusOr<common::CalendarDate> date =
      common::ParseIsoDate(common::ReadString(row, "expected_close_date"));
  if (!date.ok()) return absl::InternalError("stored expected_close_date is unreadable");
  common::ToDateMessage(*date, opportunity.mutable_expected_close_date());
  opportunity.set_owner(common::ReadString(row, "owner"));
  opportunity.set_state(static_cast<v1::OpportunityState>(row.getInt("state")));
  opportunity.set_lost_reason(common::ReadString(row, "lost_reason"));
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> closed =
      common::ReadOptionalTimestamp(row, "close_time");
  if (!closed.ok()) return closed.status();
  if (closed->has_value()) *opportunity.mutable_close_time() = **closed;
  ReadSkus(common::ReadString(row, "skus"), opportunity);
  opportunity.set_partner_deal(common::ReadString(row, "partner_deal"));
  opportunity.set_etag(common::FormatEtag(stored.version));
  absl::Status times =
      ReadTimes(row, opportunity.mutable_create_time(), opportunity.mutable_update_time(),
                opportunity.mutable_delete_time());
  if (!times.ok()) return times;
  if (row.isNull("delete_time")) opportunity.clear_delete_time();
  return stored;
}

SqlValue OptionalTime(bool has, const google::protobuf::Timestamp& time) {
  return has ? SqlValue(SqlTime(time)) : SqlValue(SqlNull{});
}

absl::StatusOr<std::optional<StoredStage>> SelectStage(sql::Connection& connection, int64_t id,
                                                       bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kStageColumns, " FROM pipeline_stages s WHERE s.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  return common::QueryOptionalRow(connection, query, ReadStage);
}

absl::StatusOr<std::optional<StoredOpportunity>> SelectOpportunity(sql::Connection& connection,
                                                                   int64_t id, bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kOpportunityColumns, " FROM opportunities o WHERE o.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  return common::QueryOptionalRow(connection, query, ReadOpportunity);
}

absl::StatusOr<CustomerPresence> SelectCustomerPresence(sql::Connection& connection,
                                                        int64_t customer_id, bool lock) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT delete_time IS NULL AS live FROM customers WHERE id = ?",
                         lock ? " LOCK IN SHARE MODE" : ""),
            {customer_id});
  common::QueryResult row = common::Query(connection, query);
  if (!row->next()) return CustomerPresence::kMissing;
  return row->getInt("live") == 1 ? CustomerPresence::kLive : CustomerPresence::kDeleted;
}

// The written columns of an opportunity, in the order of kOpportunityAssignments.
std::vector<SqlValue> OpportunityValues(const v1::Opportunity& opportunity,
                                        int64_t pipeline_stage_id) {
  return {opportunity.title(),
          opportunity.description(),
          pipeline_stage_id,
          int64_t{opportunity.probability_percent()},
          opportunity.amount().amount_minor(),
          opportunity.amount().currency_code(),
          opportunity.weighted_amount().amount_minor(),
          common::FormatIsoDate(common::FromDateMessage(opportunity.expected_close_date())),
          opportunity.owner(),
          int64_t{opportunity.state()},
          opportunity.lost_reason(),
          OptionalTime(opportunity.has_close_time(), opportunity.close_time()),
          SkusJson(opportunity),
          opportunity.partner_deal(),
          SqlTime(opportunity.create_time()),
          SqlTime(opportunity.update_time()),
          OptionalTime(opportunity.has_delete_time(), opportunity.delete_time())};
}

constexpr char kOpportunityAssignments[] =
    "title = ?, description = ?, pipeline_stage_id = ?, probability_percent = ?, "
    "amount_minor = ?, currency_code = ?, weighted_amount_minor = ?, expected_close_date = ?, "
    "owner = ?, state = ?, lost_reason = ?, close_time = ?, skus = ?, partner_deal = ?, "
    "create_time = ?, update_time = ?, delete_time = ?";

class MySqlOpportunityStore final : public OpportunityStore {
 public:
  explicit MySqlOpportunityStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<StoredStage>> LockStage(int64_t id) override {
    return SelectStage(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<std::optional<int64_t>> FindLiveStageByDisplayName(std::string_view display_name,
                                                                    int64_t except_id) override {
    return FindLive("live_display_name", SqlValue(std::string(display_name)), except_id);
  }

  absl::StatusOr<std::optional<int64_t>> FindLiveStageByPosition(int64_t position,
                                                                 int64_t except_id) override {
    return FindLive("live_position", SqlValue(position), except_id);
  }

  absl::StatusOr<int64_t> CountOpportunitiesInStage(int64_t stage_id, bool open_only) override {
    SqlQuery query;
    query.Add("SELECT COUNT(*) FROM opportunities WHERE pipeline_stage_id = ?", {stage_id});
    if (open_only) {
      query.Add(" AND delete_time IS NULL AND state = ?", {int64_t{v1::OPPORTUNITY_STATE_OPEN}});
    }
    common::QueryResult row = common::Query(connection_, query);
    row->next();
    return row->getInt64(1);
  }

  absl::StatusOr<StoredStage> InsertStage(const v1::PipelineStage& stage) override {
    SqlQuery insert;
    insert.Add(
        "INSERT INTO pipeline_stages (display_name, position, probability_percent, outcome, "
        "create_time, update_time, delete_time, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
        {stage.display_name(), int64_t{stage.position()}, int64_t{stage.probability_percent()},
         int64_t{stage.outcome()}, SqlTime(stage.create_time()), SqlTime(stage.update_time()),
         OptionalTime(stage.has_delete_time(), stage.delete_time())});
    common::Execute(connection_, insert);
    return RereadStage(common::LastInsertId(connection_));
  }

  absl::StatusOr<StoredStage> UpdateStage(const v1::PipelineStage& stage,
                                          int64_t expected_version) override {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("pipeline_stage.name", stage.name(), "pipelineStages");
    if (!id.ok()) return id.status();
    SqlQuery update;
    update.Add(
        "UPDATE pipeline_stages SET display_name = ?, position = ?, probability_percent = ?, "
        "outcome = ?, create_time = ?, update_time = ?, delete_time = ?, version = version + 1 "
        "WHERE id = ? AND version = ?",
        {stage.display_name(), int64_t{stage.position()}, int64_t{stage.probability_percent()},
         int64_t{stage.outcome()}, SqlTime(stage.create_time()), SqlTime(stage.update_time()),
         OptionalTime(stage.has_delete_time(), stage.delete_time()), *id, expected_version});
    if (common::Execute(connection_, update) != 1) {
      return absl::AbortedError(
          absl::StrCat(stage.name(), " was modified concurrently; re-read and retry"));
    }
    return RereadStage(*id);
  }

  absl::StatusOr<CustomerPresence> LockCustomerPresence(int64_t customer_id) override {
    return SelectCustomerPresence(connection_, customer_id, /*lock=*/true);
  }

  absl::StatusOr<std::optional<StoredOpportunity>> LockOpportunity(int64_t id) override {
    return SelectOpportunity(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<StoredOpportunity> InsertOpportunity(int64_t customer_id,
                                                      const v1::Opportunity& opportunity) override {
    absl::StatusOr<int64_t> stage_id = common::ParseResourceId(
        "opportunity.pipeline_stage", opportunity.pipeline_stage(), "pipelineStages");
    if (!stage_id.ok()) return stage_id.status();
    SqlQuery insert;
    insert.text = absl::StrCat("INSERT INTO opportunities SET customer_id = ?, ",
                               kOpportunityAssignments, ", version = 1");
    insert.params.push_back(customer_id);
    for (SqlValue& value : OpportunityValues(opportunity, *stage_id)) {
      insert.params.push_back(std::move(value));
    }
    common::Execute(connection_, insert);
    return RereadOpportunity(common::LastInsertId(connection_));
  }

  absl::StatusOr<StoredOpportunity> UpdateOpportunity(const v1::Opportunity& opportunity,
                                                      int64_t expected_version) override {
    static constexpr std::string_view kCollections[] = {"customers", "opportunities"};
    absl::StatusOr<std::vector<int64_t>> ids =
        common::ParseNestedResourceName("opportunity.name", opportunity.name(), kCollections);
    if (!ids.ok()) return ids.status();
    absl::StatusOr<int64_t> stage_id = common::ParseResourceId(
        "opportunity.pipeline_stage", opportunity.pipeline_stage(), "pipelineStages");
    if (!stage_id.ok()) return stage_id.status();
    SqlQuery update;
    update.text = absl::StrCat("UPDATE opportunities SET ", kOpportunityAssignments,
                               ", version = version + 1 WHERE id = ? AND customer_id = ? AND "
                               "version = ?");
    update.params = OpportunityValues(opportunity, *stage_id);
    update.params.push_back((*ids)[1]);
    update.params.push_back((*ids)[0]);
    update.params.push_back(expected_version);
    if (common::Execute(connection_, update) != 1) {
      return absl::AbortedError(
          absl::StrCat(opportunity.name(), " was modified concurrently; re-read and retry"));
    }
    return RereadOpportunity((*ids)[1]);
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<std::optional<int64_t>> FindLive(const char* column, SqlValue value,
                                                  int64_t except_id) {
    SqlQuery query;
    query.Add(
        absl::StrCat("SELECT id FROM pipeline_stages WHERE ", column, " = ? AND id <> ? LIMIT 1"),
        {std::move(value), except_id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    return row->getInt64(1);
  }

  absl::StatusOr<StoredStage> RereadStage(int64_t id) {
    absl::StatusOr<std::optional<StoredStage>> stored = SelectStage(connection_, id, true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value())
      return absl::InternalError("pipeline stage vanished after writing it");
    return **std::move(stored);
  }

  absl::StatusOr<StoredOpportunity> RereadOpportunity(int64_t id) {
    absl::StatusOr<std::optional<StoredOpportunity>> stored =
        SelectOpportunity(connection_, id, true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("opportunity vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
};

}  // namespace

std::unique_ptr<OpportunityStore> MakeMySqlOpportunityStore(sql::Connection& connection) {
  return std::make_unique<MySqlOpportunityStore>(connection);
}

MySqlOpportunityRepository::MySqlOpportunityRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlOpportunityRepository::Transact(
    absl::Time deadline, absl::FunctionRef<absl::Status(OpportunityStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlOpportunityStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlOpportunityRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(OpportunityStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlOpportunityStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredStage>> MySqlOpportunityRepository::GetStage(absl::Time deadline,
                                                                                int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredStage>> {
        return SelectStage(c, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredStage>> MySqlOpportunityRepository::ListStages(
    absl::Time deadline, const StageListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kStageColumns, " FROM pipeline_stages s WHERE TRUE"));
  if (!list.show_deleted) query.Add(" AND s.delete_time IS NULL");
  if (list.after.has_value()) {
    query.Add(" AND (s.position > ? OR (s.position = ? AND s.id > ?))",
              {list.after->first, list.after->first, list.after->second});
  }
  query.Add(" ORDER BY s.position, s.id LIMIT ?", {int64_t{list.limit}});
  return common::ReadRows(pool_, deadline, query, ReadStage);
}

absl::StatusOr<std::optional<StoredOpportunity>> MySqlOpportunityRepository::GetOpportunity(
    absl::Time deadline, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredOpportunity>> {
        return SelectOpportunity(c, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredOpportunity>> MySqlOpportunityRepository::ListOpportunities(
    absl::Time deadline, const OpportunityListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kOpportunityColumns, " FROM opportunities o WHERE TRUE"));
  if (list.customer_id.has_value()) query.Add(" AND o.customer_id = ?", {*list.customer_id});
  if (!list.show_deleted) query.Add(" AND o.delete_time IS NULL");
  AddOpportunityConditions(query, list.conditions);
  const std::string sort(OrderColumnSql(list.order));
  const std::string after = list.descending ? " < ?" : " > ?";
  if (list.after.has_value()) {
    const SqlValue value = std::holds_alternative<int64_t>(list.after->sort_value)
                               ? SqlValue(std::get<int64_t>(list.after->sort_value))
                               : SqlValue(std::get<std::string>(list.after->sort_value));
    query.Add(absl::StrCat(" AND (", sort, after, " OR (", sort, " = ? AND o.id", after, "))"),
              {value, value, list.after->id});
  }
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", o.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  return common::ReadRows(pool_, deadline, query, ReadOpportunity);
}

absl::StatusOr<CustomerPresence> MySqlOpportunityRepository::GetCustomerPresence(
    absl::Time deadline, int64_t customer_id) {
  return common::ReadWithConnection(pool_, deadline,
                                    [&](sql::Connection& c) -> absl::StatusOr<CustomerPresence> {
                                      return SelectCustomerPresence(c, customer_id, /*lock=*/false);
                                    });
}

absl::StatusOr<std::vector<v1::ForecastBucket>> MySqlOpportunityRepository::ComputeForecast(
    absl::Time deadline, const ForecastQuery& forecast) {
  std::string group;
  std::string order;
  switch (forecast.group_by) {
    case v1::FORECAST_GROUPING_OWNER:
      group = "o.owner";
      order = "o.owner";
      break;
    case v1::FORECAST_GROUPING_CLOSE_MONTH:
      group = "DATE_FORMAT(o.expected_close_date, '%Y-%m-01')";
      order = group;
      break;
    default:
      group = "o.pipeline_stage_id";
      order = "MIN(s.position), o.pipeline_stage_id";
      break;
  }
  SqlQuery query;
  query.Add(
      absl::StrCat("SELECT ", group,
                   " AS group_key, o.currency_code, COUNT(*) AS opportunity_count, "
                   "CAST(SUM(o.amount_minor) AS SIGNED) AS amount, "
                   "CAST(SUM(o.weighted_amount_minor) AS SIGNED) AS weighted "
                   "FROM opportunities o JOIN pipeline_stages s ON s.id = o.pipeline_stage_id "
                   "WHERE o.delete_time IS NULL AND o.state = ?"),
      {int64_t{v1::OPPORTUNITY_STATE_OPEN}});
  if (forecast.close_date_start.has_value()) {
    query.Add(" AND o.expected_close_date >= ?", {*forecast.close_date_start});
  }
  if (forecast.close_date_end.has_value()) {
    query.Add(" AND o.expected_close_date <= ?", {*forecast.close_date_end});
  }
  AddOpportunityConditions(query, forecast.conditions);
  query.Add(
      absl::StrCat(" GROUP BY ", group, ", o.currency_code ORDER BY ", order, ", o.currency_code"));
  std::vector<v1::ForecastBucket> buckets;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, query);
    while (rows->next()) {
      v1::ForecastBucket& bucket = buckets.emplace_back();
      const std::string key = common::ReadString(*rows, "group_key");
      switch (forecast.group_by) {
        case v1::FORECAST_GROUPING_OWNER:
          bucket.set_owner(key);
          break;
        case v1::FORECAST_GROUPING_CLOSE_MONTH: {
          absl::StatusOr<common::CalendarDate> month = common::ParseIsoDate(key);
          if (!month.ok()) return absl::InternalError("forecast month is unreadable");
          common::ToDateMessage(*month, bucket.mutable_close_month());
          break;
        }
        default:
          bucket.set_pipeline_stage(
              common::FormatResourceName("pipelineStages", rows->getInt64("group_key")));
          break;
      }
      const std::string currency = common::ReadString(*rows, "currency_code");
      bucket.set_opportunity_count(rows->getInt64("opportunity_count"));
      bucket.mutable_amount()->set_currency_code(currency);
      bucket.mutable_amount()->set_amount_minor(rows->getInt64("amount"));
      bucket.mutable_weighted_amount()->set_currency_code(currency);
      bucket.mutable_weighted_amount()->set_amount_minor(rows->getInt64("weighted"));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return buckets;
}

}  // namespace crm::customer
