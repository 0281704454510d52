// EnpsService with the MySQL repository against a fresh TestDatabase schema:
// surveys, anonymous answers (one per respondent, no identity stored) and
// reports that never reveal a group below min_group_size.
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/time_util.h"
#include "common/audit/audit_log.h"
#include "customer_svc/domain/enps_service.h"
#include "customer_svc/repository/mysql_enps_repository.h"
#include "tests/customer_svc/mysql/customer_db_test.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class EnpsServiceMySqlTest : public CustomerDbTest {
 protected:
  EnpsServiceMySqlTest()
      : CustomerDbTest("hr"),
        repository_(pool_),
        service_(repository_, [this] { return now_; }) {}

  absl::StatusOr<v1::EnpsSurvey> TryCreate(const v1::EnpsSurvey& survey,
                                           const std::string& request_id = "") {
    v1::CreateEnpsSurveyRequest request;
    *request.mutable_enps_survey() = survey;
    request.set_request_id(request_id);
    v1::CreateEnpsSurveyResponse response;
    absl::Status status = service_.CreateEnpsSurvey(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.enps_survey();
  }

  v1::EnpsSurvey Create(const std::string& title, const std::vector<std::string>& teams = {}) {
    v1::EnpsSurvey survey;
    survey.set_title(title);
    for (const std::string& team : teams) survey.add_teams(team);
    absl::StatusOr<v1::EnpsSurvey> created = TryCreate(survey);
    EXPECT_THAT(created, IsOk());
    return created.ok() ? *created : v1::EnpsSurvey();
  }

  // Answers as the respondent `who` (the authenticated principal).
  absl::Status Answer(const std::string& survey, const std::string& who, int score,
                      const std::string& team = "") {
    common::CallContext respondent = call_;
    respondent.caller.team = who;
    v1::SubmitEnpsAnswerRequest request;
    request.set_survey(survey);
    request.set_score(score);
    request.set_team(team);
    v1::SubmitEnpsAnswerResponse response;
    absl::Status status = service_.SubmitEnpsAnswer(respondent, request, response);
    if (status.ok()) {
      EXPECT_EQ(response.survey(), survey);
      EXPECT_EQ(common::FromProtoTimestamp(response.submit_time()), now_);
    }
    return status;
  }

  v1::EnpsReport Report(const std::string& survey) {
    v1::GetEnpsReportRequest request;
    request.set_survey(survey);
    v1::GetEnpsReportResponse response;
    EXPECT_THAT(service_.GetEnpsReport(call_, request, response), IsOk());
    return response.report();
  }

  v1::EnpsSurvey Get(const std::string& name) {
    v1::GetEnpsSurveyRequest request;
    request.set_name(name);
    v1::GetEnpsSurveyResponse response;
    EXPECT_THAT(service_.GetEnpsSurvey(call_, request, response), IsOk());
    return response.enps_survey();
  }

  absl::StatusOr<v1::EnpsSurvey> Close(const std::string& name, const std::string& etag = "") {
    v1::CloseEnpsSurveyRequest request;
    request.set_name(name);
    request.set_etag(etag);
    v1::CloseEnpsSurveyResponse response;
    absl::Status status = service_.CloseEnpsSurvey(call_, request, response);
    if (!status.ok()) return status;
    return response.enps_survey();
  }

  MySqlEnpsRepository repository_;
  EnpsService service_;
};

TEST_F(EnpsServiceMySqlTest, CreateFillsDefaultsAndStoresStringsVerbatim) {
  v1::EnpsSurvey survey;
  survey.set_title("Pulse 'Q3'; DROP TABLE enps_surveys; -- ☀️ Übung");
  survey.add_teams("Ventes 東京");
  survey.add_teams("Service");
  survey.set_state(v1::ENPS_SURVEY_STATE_CLOSED);  // output only: ignored
  survey.set_answer_count(99);                     // output only: ignored
  absl::StatusOr<v1::EnpsSurvey> created = TryCreate(survey, "create-pulse");
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->name(), ::testing::StartsWith("enpsSurveys/"));
  EXPECT_EQ(created->title(), survey.title());
  EXPECT_THAT(created->teams(), ElementsAre("Ventes 東京", "Service"));
  EXPECT_EQ(created->question(), "How likely are you to recommend us as a place to work?");
  EXPECT_EQ(created->min_group_size(), 5);
  EXPECT_EQ(created->state(), v1::ENPS_SURVEY_STATE_OPEN);
  EXPECT_EQ(created->answer_count(), 0);
  EXPECT_FALSE(created->etag().empty());
  EXPECT_EQ(Get(created->name()).SerializeAsString(), created->SerializeAsString());

  // Replay: same result, one row; another body with the same id: ALREADY_EXISTS.
  absl::StatusOr<v1::EnpsSurvey> replay = TryCreate(survey, "create-pulse");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->name(), created->name());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM enps_surveys"), 1);
  survey.set_title("Other");
  EXPECT_EQ(TryCreate(survey, "create-pulse").status().code(), absl::StatusCode::kAlreadyExists);

  v1::GetEnpsSurveyRequest get;
  get.set_name("enpsSurveys/4040");
  v1::GetEnpsSurveyResponse got;
  EXPECT_EQ(service_.GetEnpsSurvey(call_, get, got).code(), absl::StatusCode::kNotFound);
  get.set_name("surveys/1");
  EXPECT_EQ(service_.GetEnpsSurvey(call_, get, got).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EnpsServiceMySqlTest, CreateRejectsBadInputNamingTheField) {
  v1::EnpsSurvey survey;
  survey.set_title(std::string(10 * 1024, 't'));
  absl::StatusOr<v1::EnpsSurvey> created = TryCreate(survey);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("enps_survey.title"));
  survey.set_title("Pulse");
  survey.set_min_group_size(2);
  created = TryCreate(survey);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("enps_survey.min_group_size"));
  survey.set_min_group_size(0);
  *survey.mutable_close_time() = common::ToProtoTimestamp(now_ - absl::Hours(1));
  created = TryCreate(survey);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()), HasSubstr("enps_survey.close_time"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM enps_surveys"), 0);
}

TEST_F(EnpsServiceMySqlTest, ReportFiguresOnAHandComputedSet) {
  v1::EnpsSurvey survey = Create("Pulse", {"Sales", "Service"});
  // Sales: 10, 10, 9, 8, 7, 3 → 3 promoters, 2 passives, 1 detractor of 6: 50 - 16.67 = 33.
  // Service: 9, 6, 5, 2, 0, 10 → 2 promoters, 0 passives, 4 detractors of 6: 33.3 - 66.7 = -33.
  // Overall: 5 promoters, 2 passives, 5 detractors of 12: 0.
  const std::vector<std::pair<std::string, int>> answers = {
      {"Sales", 10},  {"Sales", 10},  {"Sales", 9},   {"Sales", 8},
      {"Sales", 7},   {"Sales", 3},   {"Service", 9}, {"Service", 6},
      {"Service", 5}, {"Service", 2}, {"Service", 0}, {"Service", 10}};
  for (size_t i = 0; i < answers.size(); ++i) {
    ASSERT_THAT(
        Answer(survey.name(), absl::StrCat("employee-", i), answers[i].second, answers[i].first),
        IsOk());
  }
  v1::EnpsReport report = Report(survey.name());
  EXPECT_EQ(report.survey(), survey.name());
  EXPECT_FALSE(report.suppressed());
  EXPECT_EQ(report.overall().respondent_count(), 12);
  EXPECT_EQ(report.overall().promoter_count(), 5);
  EXPECT_EQ(report.overall().passive_count(), 2);
  EXPECT_EQ(report.overall().detractor_count(), 5);
  EXPECT_EQ(report.overall().enps(), 0);
  ASSERT_EQ(report.teams_size(), 2);
  EXPECT_EQ(report.teams(0).team(), "Sales");
  EXPECT_EQ(report.teams(0).figures().promoter_count(), 3);
  EXPECT_EQ(report.teams(0).figures().enps(), 33);
  EXPECT_EQ(report.teams(1).team(), "Service");
  EXPECT_EQ(report.teams(1).figures().detractor_count(), 4);
  EXPECT_EQ(report.teams(1).figures().enps(), -33);
  EXPECT_EQ(report.suppressed_team_count(), 0);
  EXPECT_EQ(Get(survey.name()).answer_count(), 12);
}

TEST_F(EnpsServiceMySqlTest, AGroupOfFourIsSuppressedEverywhere) {
  v1::EnpsSurvey survey = Create("Pulse");
  for (int i = 0; i < 4; ++i) ASSERT_THAT(Answer(survey.name(), absl::StrCat("p", i), 10), IsOk());
  v1::EnpsReport report = Report(survey.name());
  EXPECT_TRUE(report.suppressed());
  EXPECT_FALSE(report.has_overall());
  EXPECT_EQ(report.teams_size(), 0);
  ASSERT_THAT(Answer(survey.name(), "p4", 0), IsOk());
  report = Report(survey.name());
  EXPECT_FALSE(report.suppressed());
  EXPECT_EQ(report.overall().respondent_count(), 5);
  EXPECT_EQ(report.overall().enps(), 60);  // 4 promoters, 1 detractor of 5

  // Per team: a team of 4 next to a team of 6 stays hidden, and so does the team of 6, because
  // overall minus it would reveal the 4.
  v1::EnpsSurvey teams = Create("Teams", {"Big", "Small"});
  for (int i = 0; i < 6; ++i) {
    ASSERT_THAT(Answer(teams.name(), absl::StrCat("b", i), 9, "Big"), IsOk());
  }
  for (int i = 0; i < 4; ++i) {
    ASSERT_THAT(Answer(teams.name(), absl::StrCat("s", i), 2, "Small"), IsOk());
  }
  v1::EnpsReport team_report = Report(teams.name());
  EXPECT_FALSE(team_report.suppressed());
  EXPECT_EQ(team_report.overall().respondent_count(), 10);
  EXPECT_EQ(team_report.teams_size(), 0);
  EXPECT_EQ(team_report.suppressed_team_count(), 2);
}

TEST_F(EnpsServiceMySqlTest, ASecondAnswerByTheSameRespondentIsRejected) {
  v1::EnpsSurvey survey = Create("Pulse");
  v1::EnpsSurvey other = Create("Other pulse");
  ASSERT_THAT(Answer(survey.name(), "ada@crm.example", 9), IsOk());
  absl::Status again = Answer(survey.name(), "ada@crm.example", 0);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.message()), HasSubstr("already answered"));
  EXPECT_EQ(Get(survey.name()).answer_count(), 1);
  // The same person may answer another survey; someone else may answer this one.
  EXPECT_THAT(Answer(other.name(), "ada@crm.example", 5), IsOk());
  EXPECT_THAT(Answer(survey.name(), "bob@crm.example", 5), IsOk());

  // Nothing stored names the respondent or ties an answer to one.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM enps_participations WHERE "
                  "INSTR(respondent_hash, 'ada') > 0"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM enps_participations"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM enps_tallies"), 3);  // (survey, team, score) counters
  EXPECT_EQ(Count("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = "
                  "DATABASE() AND table_name IN ('enps_tallies', 'enps_participations') AND "
                  "data_type IN ('datetime', 'timestamp')"),
            0);
  // No audit entry is written for an answer (it would carry actor and time).
  common::AuditListQuery audit;
  audit.resource = survey.name();
  absl::StatusOr<std::vector<common::StoredAuditEntry>> entries =
      common::SelectAuditEntries(pool_, call_.deadline, audit);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].entry.action(), crm::common::v1::AUDIT_ACTION_CREATE);
}

TEST_F(EnpsServiceMySqlTest, ConcurrentDoubleAnswersCountOnce) {
  v1::EnpsSurvey survey = Create("Pulse");
  std::vector<absl::Status> statuses(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { statuses[t] = Answer(survey.name(), "same-person", 7 + t); });
  }
  for (std::thread& thread : threads) thread.join();
  int accepted = 0;
  for (const absl::Status& status : statuses) {
    if (status.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
    }
  }
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(Get(survey.name()).answer_count(), 1);
  EXPECT_EQ(Count("SELECT SUM(answer_count) FROM enps_tallies"), 1);
}

TEST_F(EnpsServiceMySqlTest, AnswersAreValidated) {
  v1::EnpsSurvey survey = Create("Pulse", {"Sales"});
  absl::Status status = Answer(survey.name(), "p1", 11, "Sales");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("score"));
  EXPECT_EQ(Answer(survey.name(), "p1", -1, "Sales").code(), absl::StatusCode::kInvalidArgument);
  status = Answer(survey.name(), "p1", 5, "Marketing");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("team"));
  EXPECT_EQ(Answer(survey.name(), "p1", 5, "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Answer("enpsSurveys/999", "p1", 5).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Answer("enps/1", "p1", 5).code(), absl::StatusCode::kInvalidArgument);
  // A rejected answer does not use up the respondent's one answer.
  EXPECT_THAT(Answer(survey.name(), "p1", 5, "Sales"), IsOk());
  EXPECT_EQ(Get(survey.name()).answer_count(), 1);
}

TEST_F(EnpsServiceMySqlTest, ClosedSurveyRejectsAnswersAndChanges) {
  v1::EnpsSurvey survey = Create("Pulse");
  ASSERT_THAT(Answer(survey.name(), "p1", 9), IsOk());
  EXPECT_EQ(Close(survey.name(), "zz").status().code(), absl::StatusCode::kAborted);
  absl::StatusOr<v1::EnpsSurvey> closed = Close(survey.name(), survey.etag());
  ASSERT_THAT(closed, IsOk());
  EXPECT_EQ(closed->state(), v1::ENPS_SURVEY_STATE_CLOSED);
  absl::Status late = Answer(survey.name(), "p2", 9);
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(late.message()), HasSubstr("CLOSED"));
  EXPECT_EQ(Get(survey.name()).answer_count(), 1);
  absl::StatusOr<v1::EnpsSurvey> twice = Close(survey.name());
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Close("enpsSurveys/31337").status().code(), absl::StatusCode::kNotFound);

  v1::UpdateEnpsSurveyRequest update;
  *update.mutable_enps_survey() = *closed;
  update.mutable_enps_survey()->set_title("Renamed");
  update.mutable_update_mask()->add_paths("title");
  v1::UpdateEnpsSurveyResponse updated;
  EXPECT_EQ(service_.UpdateEnpsSurvey(call_, update, updated).code(),
            absl::StatusCode::kFailedPrecondition);
  // The report of a closed survey stays available (and suppressed: one answer).
  EXPECT_TRUE(Report(survey.name()).suppressed());
}

TEST_F(EnpsServiceMySqlTest, SurveyClosesAutomaticallyAtItsCloseTime) {
  v1::EnpsSurvey survey;
  survey.set_title("Timed");
  *survey.mutable_close_time() = common::ToProtoTimestamp(now_ + absl::Minutes(10));
  absl::StatusOr<v1::EnpsSurvey> created = TryCreate(survey);
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(Answer(created->name(), "p1", 8), IsOk());
  now_ += absl::Minutes(10);
  EXPECT_EQ(Get(created->name()).state(), v1::ENPS_SURVEY_STATE_CLOSED);
  EXPECT_EQ(Answer(created->name(), "p2", 8).code(), absl::StatusCode::kFailedPrecondition);

  v1::ListEnpsSurveysRequest list;
  list.set_filter("state = CLOSED");
  v1::ListEnpsSurveysResponse listed;
  ASSERT_THAT(service_.ListEnpsSurveys(call_, list, listed), IsOk());
  ASSERT_EQ(listed.enps_surveys_size(), 1);
  EXPECT_EQ(listed.enps_surveys(0).name(), created->name());
  list.set_filter("state = OPEN");
  listed.Clear();
  ASSERT_THAT(service_.ListEnpsSurveys(call_, list, listed), IsOk());
  EXPECT_EQ(listed.enps_surveys_size(), 0);
}

TEST_F(EnpsServiceMySqlTest, UpdateChangesOnlyMaskedFieldsAndChecksTheEtag) {
  v1::EnpsSurvey survey = Create("Pulse", {"Sales"});
  v1::UpdateEnpsSurveyRequest update;
  *update.mutable_enps_survey() = survey;
  update.mutable_enps_survey()->set_title("Pulse — Q4 ✓");
  update.mutable_enps_survey()->add_teams("Service");  // outside the mask
  update.mutable_update_mask()->add_paths("title");
  v1::UpdateEnpsSurveyResponse updated;
  ASSERT_THAT(service_.UpdateEnpsSurvey(call_, update, updated), IsOk());
  EXPECT_EQ(updated.enps_survey().title(), "Pulse — Q4 ✓");
  EXPECT_THAT(updated.enps_survey().teams(), ElementsAre("Sales"));
  EXPECT_NE(updated.enps_survey().etag(), survey.etag());

  EXPECT_EQ(service_.UpdateEnpsSurvey(call_, update, updated).code(), absl::StatusCode::kAborted);

  update.mutable_enps_survey()->set_etag("");
  update.mutable_update_mask()->set_paths(0, "min_group_size");
  absl::Status immutable = service_.UpdateEnpsSurvey(call_, update, updated);
  EXPECT_EQ(immutable.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(immutable.message()), HasSubstr("min_group_size"));
  update.mutable_update_mask()->set_paths(0, "state");
  EXPECT_EQ(service_.UpdateEnpsSurvey(call_, update, updated).code(),
            absl::StatusCode::kInvalidArgument);
  update.mutable_update_mask()->set_paths(0, "teams");
  update.mutable_enps_survey()->add_teams("Sales");  // now listed twice
  absl::Status twice = service_.UpdateEnpsSurvey(call_, update, updated);
  EXPECT_EQ(twice.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(twice.message()), HasSubstr("enps_survey.teams"));
  update.mutable_enps_survey()->clear_teams();
  update.mutable_enps_survey()->add_teams("Service");
  ASSERT_THAT(service_.UpdateEnpsSurvey(call_, update, updated), IsOk());
  EXPECT_THAT(updated.enps_survey().teams(), ElementsAre("Service"));
  update.mutable_enps_survey()->set_name("enpsSurveys/5151");
  EXPECT_EQ(service_.UpdateEnpsSurvey(call_, update, updated).code(), absl::StatusCode::kNotFound);
}

TEST_F(EnpsServiceMySqlTest, ListPagesNewestFirstWithFilter) {
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) names.push_back(Create(absl::StrCat("Pulse ", i)).name());
  ASSERT_THAT(Close(names[1]), IsOk());
  ASSERT_THAT(Close(names[3]), IsOk());
  auto list_all = [&](const std::string& filter) {
    std::vector<std::string> found;
    std::string token;
    do {
      v1::ListEnpsSurveysRequest request;
      request.set_filter(filter);
      request.set_page_size(2);
      request.set_page_token(token);
      v1::ListEnpsSurveysResponse response;
      absl::Status status = service_.ListEnpsSurveys(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      for (const auto& survey : response.enps_surveys()) found.push_back(survey.name());
      token = response.next_page_token();
    } while (!token.empty());
    return found;
  };
  EXPECT_THAT(list_all(""), ElementsAre(names[4], names[3], names[2], names[1], names[0]));
  EXPECT_THAT(list_all("state = OPEN"), ElementsAre(names[4], names[2], names[0]));
  EXPECT_THAT(list_all("state = ENPS_SURVEY_STATE_CLOSED"), ElementsAre(names[3], names[1]));
  EXPECT_THAT(list_all("create_time >= \"2023-11-14T22:13:22Z\""),
              ElementsAre(names[4], names[3], names[2]));

  v1::ListEnpsSurveysRequest request;
  request.set_filter("title = x");
  v1::ListEnpsSurveysResponse response;
  EXPECT_EQ(service_.ListEnpsSurveys(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_filter("");
  request.set_page_token("not-a-token");
  EXPECT_EQ(service_.ListEnpsSurveys(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::customer
