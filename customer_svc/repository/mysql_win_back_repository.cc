#include "customer_svc/repository/mysql_win_back_repository.h"

#include <cppconn/resultset.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>

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
#include "customer_svc/repository/lifecycle_moves.h"
#include "customer_svc/repository/mysql_customer_columns.h"

namespace crm::customer {
namespace {

using common::SqlQuery;
using common::SqlValue;

constexpr char kNeverContacted[] = "0001-01-01 00:00:00.000000";
constexpr size_t kInsertBatch = 500;

constexpr char kCampaignColumns[] =
    "w.id, w.display_name, w.state, DATE_FORMAT(w.start_date, '%Y-%m-%d') AS start_date, "
    "DATE_FORMAT(w.end_date, '%Y-%m-%d') AS end_date, w.details, w.version, w.create_time, "
    "w.update_time, w.delete_time";

constexpr char kAttemptColumns[] =
    "a.id, a.campaign_id, a.customer_id, a.state, a.assignee, a.last_contact_time, a.note, "
    "a.version, a.create_time, a.update_time";

std::string_view CampaignColumnSql(CampaignColumn column) {
  switch (column) {
    case CampaignColumn::kState:
      return "w.state";
    case CampaignColumn::kStartDate:
      return "w.start_date";
    case CampaignColumn::kEndDate:
      return "w.end_date";
    case CampaignColumn::kDisplayName:
      return "w.display_name";
  }
  return "NULL";
}

std::string_view AttemptColumnSql(AttemptColumn column) {
  switch (column) {
    case AttemptColumn::kState:
      return "a.state";
    case AttemptColumn::kAssignee:
      return "a.assignee";
    case AttemptColumn::kCustomer:
      return "a.customer_id";
    case AttemptColumn::kLastContactTime:
      return "a.last_contact_time";
  }
  return "NULL";
}

std::string DateText(const crm::common::v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

absl::StatusOr<crm::common::v1::Date> ReadDate(const sql::ResultSet& row,
                                               const std::string& column) {
  const std::string text = common::ReadString(row, column);
  int year = 0, month = 0, day = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d", &year, &month, &day) != 3) {
    return absl::InternalError(absl::StrCat("stored ", column, " is unreadable"));
  }
  crm::common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// What goes into `details`: the campaign fields without a column.
std::string CampaignDetails(const v1::WinBackCampaign& campaign) {
  v1::WinBackCampaign details;
  details.set_description(campaign.description());
  details.set_offer(campaign.offer());
  *details.mutable_target_stages() = campaign.target_stages();
  details.set_target_filter(campaign.target_filter());
  return details.SerializeAsString();
}

absl::StatusOr<StoredCampaign> ReadCampaign(const sql::ResultSet& row) {
  StoredCampaign stored;
  stored.id = row.getInt64("id");
  stored.version = row.getInt64("version");
  v1::WinBackCampaign& campaign = stored.campaign;
  if (!campaign.ParseFromString(common::ReadString(row, "details"))) {
    return absl::InternalError("stored win-back campaign details are unreadable");
  }
  campaign.set_name(common::FormatResourceName("winBackCampaigns", stored.id));
  campaign.set_display_name(common::ReadString(row, "display_name"));
  campaign.set_state(static_cast<v1::WinBackCampaignState>(row.getInt("state")));
  absl::StatusOr<crm::common::v1::Date> start = ReadDate(row, "start_date");
  if (!start.ok()) return start.status();
  *campaign.mutable_start_date() = *start;
  absl::StatusOr<crm::common::v1::Date> end = ReadDate(row, "end_date");
  if (!end.ok()) return end.status();
  *campaign.mutable_end_date() = *end;
  campaign.set_etag(common::FormatEtag(stored.version));
  absl::StatusOr<google::protobuf::Timestamp> created = common::ReadTimestamp(row, "create_time");
  if (!created.ok()) return created.status();
  *campaign.mutable_create_time() = *created;
  absl::StatusOr<google::protobuf::Timestamp> updated = common::ReadTimestamp(row, "update_time");
  if (!updated.ok()) return updated.status();
  *campaign.mutable_update_time() = *updated;
  auto deleted = common::ReadOptionalTimestamp(row, "delete_time");
  if (!deleted.ok()) return deleted.status();
  if (deleted->has_value()) *campaign.mutable_delete_time() = **deleted;
  return stored;
}

absl::StatusOr<StoredAttempt> ReadAttempt(const sql::ResultSet& row) {
  StoredAttempt stored;
  stored.id = row.getInt64("id");
  stored.campaign_id = row.getInt64("campaign_id");
  stored.customer_id = row.getInt64("customer_id");
  stored.version = row.getInt64("version");
  v1::WinBackAttempt& attempt = stored.attempt;
  attempt.set_name(common::FormatNestedResourceName(
      {{"winBackCampaigns", stored.campaign_id}, {"attempts", stored.id}}));
  attempt.set_customer(common::FormatResourceName("customers", stored.customer_id));
  attempt.set_state(static_cast<v1::WinBackAttemptState>(row.getInt("state")));
  attempt.set_assignee(common::ReadString(row, "assignee"));
  attempt.set_note(common::ReadString(row, "note"));
  attempt.set_etag(common::FormatEtag(stored.version));
  auto contacted = common::ReadOptionalTimestamp(row, "last_contact_time");
  if (!contacted.ok()) return contacted.status();
  if (contacted->has_value()) *attempt.mutable_last_contact_time() = **contacted;
  absl::StatusOr<google::protobuf::Timestamp> created = common::ReadTimestamp(row, "create_time");
  if (!created.ok()) return created.status();
  *attempt.mutable_create_time() = *created;
  absl::StatusOr<google::protobuf::Timestamp> updated = common::ReadTimestamp(row, "update_time");
  if (!updated.ok()) return updated.status();
  *attempt.mutable_update_time() = *updated;
  return stored;
}

// Fills attempt_counts (states with at least one attempt, in enum order).
void FillAttemptCounts(sql::Connection& connection, std::vector<StoredCampaign>& campaigns) {
  if (campaigns.empty()) return;
  SqlQuery query;
  query.Add(absl::StrCat(
      "SELECT campaign_id, state, COUNT(*) AS n FROM win_back_attempts WHERE campaign_id IN (",
      common::Placeholders(campaigns.size()), ") GROUP BY campaign_id, state"));
  std::map<int64_t, StoredCampaign*> by_id;
  for (StoredCampaign& campaign : campaigns) {
    query.params.push_back(campaign.id);
    by_id[campaign.id] = &campaign;
    campaign.campaign.clear_attempt_counts();
  }
  std::map<std::pair<int64_t, int>, int64_t> counts;
  common::QueryResult rows = common::Query(connection, query);
  while (rows->next()) {
    counts[{rows->getInt64("campaign_id"), rows->getInt("state")}] = rows->getInt64("n");
  }
  for (const auto& [key, count] : counts) {
    v1::WinBackAttemptCount* entry = by_id[key.first]->campaign.add_attempt_counts();
    entry->set_state(static_cast<v1::WinBackAttemptState>(key.second));
    entry->set_count(count);
  }
}

absl::StatusOr<std::optional<StoredCampaign>> SelectCampaign(sql::Connection& connection,
                                                             int64_t id, bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kCampaignColumns, " FROM win_back_campaigns w WHERE w.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  common::QueryResult row = common::Query(connection, query);
  if (!row->next()) return std::nullopt;
  absl::StatusOr<StoredCampaign> campaign = ReadCampaign(*row);
  if (!campaign.ok()) return campaign.status();
  std::vector<StoredCampaign> one{*std::move(campaign)};
  FillAttemptCounts(connection, one);
  return std::move(one.front());
}

absl::StatusOr<std::optional<StoredAttempt>> SelectAttempt(sql::Connection& connection,
                                                           int64_t campaign_id, int64_t attempt_id,
                                                           bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kAttemptColumns,
                         " FROM win_back_attempts a WHERE a.id = ? AND a.campaign_id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {attempt_id, campaign_id});
  return common::QueryOptionalRow(connection, query, ReadAttempt);
}

SqlValue OptionalTime(const v1::WinBackAttempt& attempt) {
  if (!attempt.has_last_contact_time()) return common::SqlNull{};
  return common::SqlTime(attempt.last_contact_time());
}

class MySqlWinBackStore final : public WinBackStore {
 public:
  explicit MySqlWinBackStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<StoredCampaign>> LockCampaign(int64_t id) override {
    return SelectCampaign(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<StoredCampaign> InsertCampaign(const v1::WinBackCampaign& campaign) override {
    SqlQuery query;
    query.Add(
        "INSERT INTO win_back_campaigns (display_name, state, start_date, end_date, details, "
        "version, create_time, update_time, delete_time) VALUES (?, ?, ?, ?, ?, 1, ?, ?, NULL)",
        {campaign.display_name(), int64_t{campaign.state()}, DateText(campaign.start_date()),
         DateText(campaign.end_date()), CampaignDetails(campaign),
         common::SqlTime(campaign.create_time()), common::SqlTime(campaign.update_time())});
    common::Execute(connection_, query);
    return Reread(common::LastInsertId(connection_));
  }

  absl::StatusOr<StoredCampaign> UpdateCampaign(const v1::WinBackCampaign& campaign,
                                                int64_t expected_version) override {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("win_back_campaign.name", campaign.name(), "winBackCampaigns");
    if (!id.ok()) return id.status();
    SqlQuery query;
    query.Add(
        "UPDATE win_back_campaigns SET display_name = ?, state = ?, start_date = ?, "
        "end_date = ?, details = ?, update_time = ?, delete_time = ?, version = version + 1 "
        "WHERE id = ? AND version = ?",
        {campaign.display_name(), int64_t{campaign.state()}, DateText(campaign.start_date()),
         DateText(campaign.end_date()), CampaignDetails(campaign),
         common::SqlTime(campaign.update_time()),
         campaign.has_delete_time() ? SqlValue(common::SqlTime(campaign.delete_time()))
                                    : SqlValue(common::SqlNull{}),
         *id, expected_version});
    if (common::Execute(connection_, query) != 1) {
      return absl::AbortedError(
          absl::StrCat(campaign.name(), " was modified concurrently; re-read and retry"));
    }
    return Reread(*id);
  }

  absl::StatusOr<std::vector<LaunchTarget>> SelectTargets(
      const std::vector<v1::LifecycleStage>& stages,
      const std::vector<CustomerCondition>& conditions) override {
    SqlQuery query;
    query.Add(
        absl::StrCat("SELECT c.id, c.account_manager FROM customers c WHERE c.delete_time IS NULL "
                     "AND c.lifecycle_stage IN (",
                     common::Placeholders(stages.size()), ")"));
    for (v1::LifecycleStage stage : stages) query.params.push_back(int64_t{stage});
    common::AddConditions(query, conditions, &CustomerColumnSql);
    query.Add(" ORDER BY c.id FOR UPDATE");
    std::vector<LaunchTarget> targets;
    common::QueryResult rows = common::Query(connection_, query);
    while (rows->next()) {
      targets.push_back({rows->getInt64("id"), common::ReadString(*rows, "account_manager")});
    }
    return targets;
  }

  absl::Status InsertAttempts(int64_t campaign_id, const std::vector<LaunchTarget>& targets,
                              absl::Time now) override {
    const std::string time = common::FormatMysqlDatetime(now);
    for (size_t start = 0; start < targets.size(); start += kInsertBatch) {
      const size_t end = std::min(targets.size(), start + kInsertBatch);
      SqlQuery query;
      query.Add(
          "INSERT INTO win_back_attempts (campaign_id, customer_id, state, assignee, "
          "last_contact_time, note, version, create_time, update_time) VALUES ");
      for (size_t i = start; i < end; ++i) {
        query.Add(
            i == start ? "(?, ?, ?, ?, NULL, '', 1, ?, ?)" : ", (?, ?, ?, ?, NULL, '', 1, ?, ?)",
            {campaign_id, targets[i].customer_id, int64_t{v1::WIN_BACK_ATTEMPT_STATE_PENDING},
             targets[i].account_manager, time, time});
      }
      common::Execute(connection_, query);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> CloseOpenAttempts(int64_t campaign_id, v1::WinBackAttemptState state,
                                            absl::Time now) override {
    SqlQuery query;
    query.Add(
        "UPDATE win_back_attempts SET state = ?, update_time = ?, version = version + 1 "
        "WHERE campaign_id = ? AND state IN (?, ?, ?)",
        {int64_t{state}, common::FormatMysqlDatetime(now), campaign_id,
         int64_t{v1::WIN_BACK_ATTEMPT_STATE_PENDING}, int64_t{v1::WIN_BACK_ATTEMPT_STATE_CONTACTED},
         int64_t{v1::WIN_BACK_ATTEMPT_STATE_RESPONDED}});
    return common::Execute(connection_, query);
  }

  absl::StatusOr<std::optional<StoredAttempt>> LockAttempt(int64_t campaign_id,
                                                           int64_t attempt_id) override {
    return SelectAttempt(connection_, campaign_id, attempt_id, /*for_update=*/true);
  }

  absl::StatusOr<StoredAttempt> UpdateAttempt(const StoredAttempt& attempt,
                                              int64_t expected_version) override {
    SqlQuery query;
    query.Add(
        "UPDATE win_back_attempts SET state = ?, assignee = ?, last_contact_time = ?, note = ?, "
        "update_time = ?, version = version + 1 WHERE id = ? AND version = ?",
        {int64_t{attempt.attempt.state()}, attempt.attempt.assignee(),
         OptionalTime(attempt.attempt), attempt.attempt.note(),
         common::SqlTime(attempt.attempt.update_time()), attempt.id, expected_version});
    if (common::Execute(connection_, query) != 1) {
      return absl::AbortedError(
          absl::StrCat(attempt.attempt.name(), " was modified concurrently; re-read and retry"));
    }
    absl::StatusOr<std::optional<StoredAttempt>> reread =
        SelectAttempt(connection_, attempt.campaign_id, attempt.id, true);
    if (!reread.ok()) return reread.status();
    if (!reread->has_value()) return absl::InternalError("attempt vanished after writing it");
    return **std::move(reread);
  }

  absl::StatusOr<std::optional<CustomerStage>> LockCustomerStage(int64_t customer_id) override {
    SqlQuery query;
    query.Add("SELECT id, lifecycle_stage, delete_time FROM customers WHERE id = ? FOR UPDATE",
              {customer_id});
    common::QueryResult row = common::Query(connection_, query);
    if (!row->next()) return std::nullopt;
    CustomerStage stage;
    stage.id = row->getInt64("id");
    stage.stage = static_cast<v1::LifecycleStage>(row->getInt("lifecycle_stage"));
    stage.deleted = !row->isNull("delete_time");
    return stage;
  }

  absl::Status MoveStage(const StageMove& move) override {
    return StoreStageMove(connection_, move);
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<StoredCampaign> Reread(int64_t id) {
    absl::StatusOr<std::optional<StoredCampaign>> stored = SelectCampaign(connection_, id, true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("campaign vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
};

// " AND (sort > ? OR (sort = ? AND id > ?))" for a keyset cursor.
void AddCursor(SqlQuery& query, const std::string& sort, const std::string& id_column,
               const std::optional<ListCursor>& after, bool descending) {
  if (!after.has_value()) return;
  const std::string op = descending ? " < ?" : " > ?";
  query.Add(absl::StrCat(" AND (", sort, op, " OR (", sort, " = ? AND ", id_column, op, "))"),
            {after->sort_value, after->sort_value, after->id});
}

}  // namespace

MySqlWinBackRepository::MySqlWinBackRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlWinBackRepository::Transact(absl::Time deadline,
                                              absl::FunctionRef<absl::Status(WinBackStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlWinBackStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlWinBackRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(WinBackStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlWinBackStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredCampaign>> MySqlWinBackRepository::GetCampaign(
    absl::Time deadline, int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredCampaign>> {
        return SelectCampaign(c, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredCampaign>> MySqlWinBackRepository::ListCampaigns(
    absl::Time deadline, const CampaignListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kCampaignColumns, " FROM win_back_campaigns w WHERE TRUE"));
  if (!list.show_deleted) query.Add(" AND w.delete_time IS NULL");
  common::AddConditions(query, list.conditions, &CampaignColumnSql);
  const std::string sort =
      list.order == CampaignOrder::kStartDate ? "w.start_date" : "w.create_time";
  AddCursor(query, sort, "w.id", list.after, list.descending);
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", w.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  std::vector<StoredCampaign> campaigns;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, query);
    while (rows->next()) {
      absl::StatusOr<StoredCampaign> campaign = ReadCampaign(*rows);
      if (!campaign.ok()) return campaign.status();
      campaigns.push_back(*std::move(campaign));
    }
    FillAttemptCounts(c, campaigns);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return campaigns;
}

absl::StatusOr<std::optional<StoredAttempt>> MySqlWinBackRepository::GetAttempt(
    absl::Time deadline, int64_t campaign_id, int64_t attempt_id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredAttempt>> {
        return SelectAttempt(c, campaign_id, attempt_id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredAttempt>> MySqlWinBackRepository::ListAttempts(
    absl::Time deadline, const AttemptListQuery& list) {
  SqlQuery query;
  query.Add(
      absl::StrCat("SELECT ", kAttemptColumns, " FROM win_back_attempts a WHERE a.campaign_id = ?"),
      {list.campaign_id});
  common::AddConditions(query, list.conditions, &AttemptColumnSql);
  const std::string sort =
      list.order == AttemptOrder::kLastContactTime
          ? absl::StrCat("COALESCE(a.last_contact_time, '", kNeverContacted, "')")
          : "a.create_time";
  AddCursor(query, sort, "a.id", list.after, list.descending);
  const std::string direction = list.descending ? " DESC" : "";
  query.Add(absl::StrCat(" ORDER BY ", sort, direction, ", a.id", direction, " LIMIT ?"),
            {int64_t{list.limit}});
  return common::ReadRows(pool_, deadline, query, ReadAttempt);
}

}  // namespace crm::customer
