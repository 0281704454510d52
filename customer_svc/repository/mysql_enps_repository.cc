#include "customer_svc/repository/mysql_enps_repository.h"

#include <cppconn/resultset.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/api/etag.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "common/mysql/idempotency.h"
#include "common/mysql/rows.h"
#include "common/mysql/sql_query.h"
#include "common/mysql/transaction.h"

namespace crm::customer {
namespace {

using common::SqlNull;
using common::SqlQuery;
using common::SqlValue;

constexpr char kSurveyColumns[] =
    "s.id, s.title, s.question, s.teams, s.min_group_size, s.state, s.answer_count, "
    "s.close_time, s.version, s.create_time, s.update_time";

absl::StatusOr<StoredSurvey> ReadSurvey(const sql::ResultSet& row) {
  StoredSurvey stored;
  stored.id = row.getInt64("id");
  stored.version = row.getInt64("version");
  v1::EnpsSurvey& survey = stored.survey;
  if (!survey.ParseFromString(common::ReadString(row, "teams"))) {
    return absl::InternalError("stored survey teams are unreadable");
  }
  survey.set_name(common::FormatResourceName("enpsSurveys", stored.id));
  survey.set_title(common::ReadString(row, "title"));
  survey.set_question(common::ReadString(row, "question"));
  survey.set_min_group_size(row.getInt("min_group_size"));
  survey.set_state(static_cast<v1::EnpsSurveyState>(row.getInt("state")));
  survey.set_answer_count(row.getInt64("answer_count"));
  survey.set_etag(common::FormatEtag(stored.version));
  absl::StatusOr<std::optional<google::protobuf::Timestamp>> close =
      common::ReadOptionalTimestamp(row, "close_time");
  if (!close.ok()) return close.status();
  if (close->has_value()) *survey.mutable_close_time() = **close;
  for (const auto& [column, field] :
       std::initializer_list<std::pair<std::string, google::protobuf::Timestamp*>>{
           {"create_time", survey.mutable_create_time()},
           {"update_time", survey.mutable_update_time()}}) {
    absl::StatusOr<google::protobuf::Timestamp> time = common::ReadTimestamp(row, column);
    if (!time.ok()) return time.status();
    *field = *time;
  }
  return stored;
}

absl::StatusOr<std::optional<StoredSurvey>> SelectSurvey(sql::Connection& connection, int64_t id,
                                                         bool for_update) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kSurveyColumns, " FROM enps_surveys s WHERE s.id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id});
  return common::QueryOptionalRow(connection, query, ReadSurvey);
}

std::string TeamsBytes(const v1::EnpsSurvey& survey) {
  v1::EnpsSurvey teams;
  *teams.mutable_teams() = survey.teams();
  return teams.SerializeAsString();
}

SqlValue CloseTime(const v1::EnpsSurvey& survey) {
  if (!survey.has_close_time()) return SqlNull{};
  return common::SqlTime(survey.close_time());
}

class MySqlEnpsStore final : public EnpsStore {
 public:
  explicit MySqlEnpsStore(sql::Connection& connection) : connection_(connection) {}

  absl::StatusOr<std::optional<StoredSurvey>> LockSurvey(int64_t id) override {
    return SelectSurvey(connection_, id, /*for_update=*/true);
  }

  absl::StatusOr<StoredSurvey> InsertSurvey(const v1::EnpsSurvey& survey) override {
    SqlQuery query;
    query.Add(
        "INSERT INTO enps_surveys (title, question, teams, min_group_size, state, answer_count, "
        "close_time, version, create_time, update_time) VALUES (?, ?, ?, ?, ?, 0, ?, 1, ?, ?)",
        {survey.title(), survey.question(), TeamsBytes(survey), int64_t{survey.min_group_size()},
         int64_t{survey.state()}, CloseTime(survey), common::SqlTime(survey.create_time()),
         common::SqlTime(survey.update_time())});
    common::Execute(connection_, query);
    return Reread(common::LastInsertId(connection_));
  }

  absl::StatusOr<StoredSurvey> UpdateSurvey(const v1::EnpsSurvey& survey,
                                            int64_t expected_version) override {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("enps_survey.name", survey.name(), "enpsSurveys");
    if (!id.ok()) return id.status();
    SqlQuery query;
    query.Add(
        "UPDATE enps_surveys SET title = ?, question = ?, teams = ?, min_group_size = ?, "
        "state = ?, close_time = ?, update_time = ?, version = version + 1 "
        "WHERE id = ? AND version = ?",
        {survey.title(), survey.question(), TeamsBytes(survey), int64_t{survey.min_group_size()},
         int64_t{survey.state()}, CloseTime(survey), common::SqlTime(survey.update_time()), *id,
         expected_version});
    if (common::Execute(connection_, query) != 1) {
      return absl::AbortedError(
          absl::StrCat(survey.name(), " was modified concurrently; re-read and retry"));
    }
    return Reread(*id);
  }

  absl::StatusOr<bool> RecordParticipation(int64_t survey_id,
                                           std::string_view respondent_key) override {
    SqlQuery query;
    query.Add("INSERT IGNORE INTO enps_participations (survey_id, respondent_hash) VALUES (?, ?)",
              {survey_id, std::string(respondent_key)});
    return common::Execute(connection_, query) == 1;
  }

  absl::Status CountAnswer(int64_t survey_id, std::string_view team, int32_t score) override {
    SqlQuery tally;
    tally.Add(
        "INSERT INTO enps_tallies (survey_id, team, score, answer_count) VALUES (?, ?, ?, 1) "
        "ON DUPLICATE KEY UPDATE answer_count = answer_count + 1",
        {survey_id, std::string(team), int64_t{score}});
    common::Execute(connection_, tally);
    SqlQuery count;
    count.Add("UPDATE enps_surveys SET answer_count = answer_count + 1 WHERE id = ?", {survey_id});
    common::Execute(connection_, count);
    return absl::OkStatus();
  }

  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    common::InsertAuditEntry(connection_, entry);
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<StoredSurvey> Reread(int64_t id) {
    absl::StatusOr<std::optional<StoredSurvey>> stored =
        SelectSurvey(connection_, id, /*for_update=*/true);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::InternalError("survey vanished after writing it");
    return **std::move(stored);
  }

  sql::Connection& connection_;
};

}  // namespace

MySqlEnpsRepository::MySqlEnpsRepository(common::MySqlPool& pool) : pool_(pool) {}

absl::Status MySqlEnpsRepository::Transact(absl::Time deadline,
                                           absl::FunctionRef<absl::Status(EnpsStore&)> body) {
  return common::RunInTransaction(pool_, deadline, [&](sql::Connection& connection) {
    MySqlEnpsStore store(connection);
    return body(store);
  });
}

absl::StatusOr<std::string> MySqlEnpsRepository::TransactOnce(
    absl::Time deadline, std::string_view method, std::string_view request_id,
    std::string_view request_fingerprint,
    absl::FunctionRef<absl::StatusOr<std::string>(EnpsStore&)> body) {
  return common::RunIdempotent(pool_, deadline, method, request_id, request_fingerprint,
                               [&](sql::Connection& connection) {
                                 MySqlEnpsStore store(connection);
                                 return body(store);
                               });
}

absl::StatusOr<std::optional<StoredSurvey>> MySqlEnpsRepository::GetSurvey(absl::Time deadline,
                                                                           int64_t id) {
  return common::ReadWithConnection(
      pool_, deadline, [&](sql::Connection& c) -> absl::StatusOr<std::optional<StoredSurvey>> {
        return SelectSurvey(c, id, /*for_update=*/false);
      });
}

absl::StatusOr<std::vector<StoredSurvey>> MySqlEnpsRepository::ListSurveys(
    absl::Time deadline, const SurveyListQuery& list) {
  SqlQuery query;
  query.Add(absl::StrCat("SELECT ", kSurveyColumns, " FROM enps_surveys s WHERE TRUE"));
  const std::string now = common::FormatMysqlDatetime(list.now);
  for (const SurveyCondition& condition : list.conditions) {
    if (condition.column == SurveyColumn::kState) {
      // The effective state: an OPEN survey past its close_time is CLOSED.
      query.params.emplace_back(now);
      common::AddCondition(query,
                           "IF(s.state = 1 AND s.close_time IS NOT NULL AND s.close_time <= ?, "
                           "2, s.state)",
                           condition.match, condition.value);
    } else {
      common::AddCondition(query, "s.create_time", condition.match, condition.value);
    }
  }
  if (list.before_id.has_value()) query.Add(" AND s.id < ?", {*list.before_id});
  query.Add(" ORDER BY s.id DESC LIMIT ?", {int64_t{list.limit}});
  return common::ReadRows(pool_, deadline, query, ReadSurvey);
}

absl::StatusOr<std::vector<EnpsTally>> MySqlEnpsRepository::ListTallies(absl::Time deadline,
                                                                        int64_t survey_id) {
  SqlQuery query;
  query.Add(
      "SELECT team, score, answer_count FROM enps_tallies WHERE survey_id = ? "
      "ORDER BY team, score",
      {survey_id});
  std::vector<EnpsTally> tallies;
  absl::Status status = common::RunWithConnection(pool_, deadline, [&](sql::Connection& c) {
    common::QueryResult rows = common::Query(c, query);
    while (rows->next()) {
      EnpsTally& tally = tallies.emplace_back();
      tally.team = common::ReadString(*rows, "team");
      tally.score = rows->getInt("score");
      tally.count = rows->getInt64("answer_count");
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return tallies;
}

}  // namespace crm::customer
