// Domain rules of EmployeeService and EnpsService: employee validation,
// balanced auto-assignment, utilization, assignment filters, eNPS figures and
// the small-group suppression of reports.
#include "customer_svc/domain/employee_rules.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/api/time_util.h"
#include "customer_svc/domain/enps_rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::customer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

v1::Employee ValidEmployee() {
  v1::Employee employee;
  employee.set_display_name("Ada Lovelace");
  employee.set_email("Ada@Example.com");
  employee.set_phone("+44 20 7946 0018");
  employee.set_role(v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE);
  employee.set_team("  EMEA Enterprise ");
  employee.set_max_accounts(20);
  return employee;
}

TEST(EmployeeRulesTest, NormalizeEmployeeBringsFieldsIntoStoredForm) {
  v1::Employee employee = ValidEmployee();
  ASSERT_TRUE(NormalizeEmployee(employee).ok());
  EXPECT_EQ(employee.email(), "ada@example.com");
  EXPECT_EQ(employee.phone(), "+442079460018");
  EXPECT_EQ(employee.team(), "EMEA Enterprise");
}

TEST(EmployeeRulesTest, NormalizeEmployeeNamesTheBadField) {
  struct Case {
    void (*mutate)(v1::Employee&);
    std::string expected;
  };
  const std::vector<Case> cases = {
      {[](v1::Employee& e) { e.set_display_name(""); }, "employee.display_name"},
      {[](v1::Employee& e) { e.set_display_name(std::string(201, 'x')); }, "employee.display_name"},
      {[](v1::Employee& e) { e.set_email(""); }, "employee.email: must be set"},
      {[](v1::Employee& e) { e.set_email("not-an-email"); }, "employee.email"},
      {[](v1::Employee& e) { e.set_phone("12345"); }, "employee.phone"},
      {[](v1::Employee& e) { e.set_role(v1::EMPLOYEE_ROLE_UNSPECIFIED); }, "employee.role"},
      {[](v1::Employee& e) { e.set_role(static_cast<v1::EmployeeRole>(42)); }, "employee.role"},
      {[](v1::Employee& e) { e.set_team(std::string(201, 't')); }, "employee.team"},
      {[](v1::Employee& e) { e.set_max_accounts(-1); }, "employee.max_accounts"},
  };
  for (const Case& c : cases) {
    v1::Employee employee = ValidEmployee();
    c.mutate(employee);
    absl::Status status = NormalizeEmployee(employee);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.expected));
  }
}

TEST(EmployeeRulesTest, UtilizationIsBasisPointsOfTheLimitAndZeroWithoutLimit) {
  EXPECT_EQ(UtilizationBasisPoints(5, 20), 2500);
  EXPECT_EQ(UtilizationBasisPoints(1, 3), 3333);
  EXPECT_EQ(UtilizationBasisPoints(25, 20), 12500);
  EXPECT_EQ(UtilizationBasisPoints(7, 0), 0);
  v1::Workload workload = MakeWorkload({/*employee_id=*/4, /*max_accounts=*/10,
                                        /*account_count=*/3, /*lead_count=*/2});
  EXPECT_EQ(workload.employee(), "employees/4");
  EXPECT_EQ(workload.account_count(), 3);
  EXPECT_EQ(workload.lead_count(), 2);
  EXPECT_EQ(workload.max_accounts(), 10);
  EXPECT_EQ(workload.utilization_basis_points(), 3000);
}

TEST(EmployeeRulesTest, PlanAutoAssignBalancesByUtilizationThenAccountsThenId) {
  // Employee 1: 2 of 10 (2000 bp); employee 2: 1 of 10 (1000 bp); employee 3: 1 of 5 (2000 bp).
  std::vector<WorkloadCounts> candidates = {{1, 10, 2, 0}, {2, 10, 1, 0}, {3, 5, 1, 0}};
  AutoAssignPlan plan = PlanAutoAssign({100, 101, 102, 103}, candidates);
  // 100 → 2 (1000 bp, now 2000). Then 1 (2000, 2 accounts), 2 (2000, 2 accounts), 3 (2000, 1
  // account): 3 has fewest accounts → 101 → 3 (now 4000). 1 and 2 tie on 2000 bp and 2 accounts:
  // lower id 1 → 102; then 2 (2000) beats 1 (3000) → 103.
  EXPECT_THAT(plan.assignments,
              ElementsAre(Pair(100, 2), Pair(101, 3), Pair(102, 1), Pair(103, 2)));
  EXPECT_THAT(plan.unassigned, IsEmpty());
}

TEST(EmployeeRulesTest, PlanAutoAssignSpreadsEvenlyAndIsDeterministic) {
  std::vector<WorkloadCounts> candidates = {{7, 0, 0, 0}, {3, 0, 0, 0}, {5, 0, 0, 0}};
  std::vector<int64_t> customers = {1, 2, 3, 4, 5, 6};
  AutoAssignPlan first = PlanAutoAssign(customers, candidates);
  AutoAssignPlan second = PlanAutoAssign(customers, candidates);
  EXPECT_EQ(first.assignments, second.assignments);
  EXPECT_THAT(first.assignments,
              ElementsAre(Pair(1, 3), Pair(2, 5), Pair(3, 7), Pair(4, 3), Pair(5, 5), Pair(6, 7)));
}

TEST(EmployeeRulesTest, PlanAutoAssignLeavesCustomersWhenEveryoneIsAtCapacity) {
  std::vector<WorkloadCounts> candidates = {{1, 2, 1, 0}, {2, 1, 1, 0}};
  AutoAssignPlan plan = PlanAutoAssign({10, 11, 12}, candidates);
  EXPECT_THAT(plan.assignments, ElementsAre(Pair(10, 1)));
  EXPECT_THAT(plan.unassigned, ElementsAre(11, 12));
  EXPECT_THAT(PlanAutoAssign({1}, {}).unassigned, ElementsAre(1));
}

TEST(EmployeeRulesTest, AssignmentRoleDefaultsToAccountManager) {
  EXPECT_EQ(*ResolveAssignmentRole(v1::ASSIGNMENT_ROLE_UNSPECIFIED),
            v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER);
  EXPECT_EQ(*ResolveAssignmentRole(v1::ASSIGNMENT_ROLE_SERVICE), v1::ASSIGNMENT_ROLE_SERVICE);
  absl::StatusOr<v1::AssignmentRole> bad =
      ResolveAssignmentRole(static_cast<v1::AssignmentRole>(9));
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("role"));
}

TEST(EmployeeRulesTest, AssignmentFilterUnderstandsEndedAndRejectsUnknownFields) {
  bool only_ended = false;
  absl::StatusOr<std::vector<AssignmentCondition>> conditions =
      ParseAssignmentFilter("end_time:* AND employee = employees/7 AND role = SALES", only_ended);
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  EXPECT_TRUE(only_ended);
  ASSERT_EQ(conditions->size(), 2u);
  EXPECT_EQ((*conditions)[0].column, AssignmentColumn::kEmployee);
  EXPECT_EQ(std::get<int64_t>((*conditions)[0].value), 7);
  EXPECT_EQ(std::get<int64_t>((*conditions)[1].value), v1::ASSIGNMENT_ROLE_SALES);

  absl::StatusOr<std::vector<AssignmentCondition>> unknown =
      ParseAssignmentFilter("customer_id = 3", only_ended);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("customer_id"));
  EXPECT_FALSE(ParseAssignmentFilter("end_time:yesterday", only_ended).ok());
}

TEST(EmployeeRulesTest, EmployeeOrderAcceptsDisplayNameAndCreateTime) {
  EmployeeOrder order;
  bool descending = true;
  ASSERT_TRUE(ParseEmployeeOrder("", order, descending).ok());
  EXPECT_EQ(order, EmployeeOrder::kDisplayName);
  EXPECT_FALSE(descending);
  ASSERT_TRUE(ParseEmployeeOrder("create_time desc", order, descending).ok());
  EXPECT_EQ(order, EmployeeOrder::kCreateTime);
  EXPECT_TRUE(descending);
  absl::Status bad = ParseEmployeeOrder("email", order, descending);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("order_by"));
}

TEST(EnpsRulesTest, ScoreIsPromotersMinusDetractorsRoundedHalfAwayFromZero) {
  EXPECT_EQ(EnpsScore(4, 2, 7), 29);   // 57.14% - 28.57% = 28.57
  EXPECT_EQ(EnpsScore(1, 2, 8), -13);  // -12.5 → -13
  EXPECT_EQ(EnpsScore(3, 2, 8), 13);   // 12.5 → 13
  EXPECT_EQ(EnpsScore(5, 0, 5), 100);
  EXPECT_EQ(EnpsScore(0, 5, 5), -100);
  EXPECT_EQ(EnpsScore(0, 0, 0), 0);
}

std::vector<EnpsTally> Answers(const std::string& team, const std::vector<int>& scores) {
  std::vector<EnpsTally> tallies;
  for (int score : scores) tallies.push_back({team, score, 1});
  return tallies;
}

std::vector<EnpsTally> Concat(std::vector<std::vector<EnpsTally>> parts) {
  std::vector<EnpsTally> all;
  for (auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

TEST(EnpsRulesTest, ReportFiguresOnAHandComputedSet) {
  // Scores 10, 10, 9, 9, 8, 7, 6, 5, 3, 0, 9, 10: promoters 6, passives 2, detractors 4 of 12.
  // eNPS = 50% - 33.33% = 16.67 → 17.
  std::vector<EnpsTally> tallies = {{"A", 10, 2}, {"A", 9, 2}, {"A", 8, 1}, {"A", 7, 1},
                                    {"B", 6, 1},  {"B", 5, 1}, {"B", 3, 1}, {"B", 0, 1},
                                    {"B", 9, 1},  {"B", 10, 1}};
  v1::EnpsReport report = BuildEnpsReport("enpsSurveys/1", 5, tallies);
  EXPECT_EQ(report.survey(), "enpsSurveys/1");
  EXPECT_FALSE(report.suppressed());
  EXPECT_EQ(report.overall().respondent_count(), 12);
  EXPECT_EQ(report.overall().promoter_count(), 6);
  EXPECT_EQ(report.overall().passive_count(), 2);
  EXPECT_EQ(report.overall().detractor_count(), 4);
  EXPECT_EQ(report.overall().enps(), 17);
  ASSERT_EQ(report.teams_size(), 2);
  EXPECT_EQ(report.teams(0).team(), "A");  // 4 promoters, 2 passives of 6: +67
  EXPECT_EQ(report.teams(0).figures().enps(), 67);
  EXPECT_EQ(report.teams(1).team(), "B");  // 2 promoters, 4 detractors of 6: -33
  EXPECT_EQ(report.teams(1).figures().enps(), -33);
  EXPECT_EQ(report.suppressed_team_count(), 0);
}

TEST(EnpsRulesTest, AGroupOfFourIsSuppressed) {
  v1::EnpsReport report = BuildEnpsReport("enpsSurveys/1", 5, Answers("A", {10, 9, 0, 3}));
  EXPECT_TRUE(report.suppressed());
  EXPECT_FALSE(report.has_overall());
  EXPECT_EQ(report.teams_size(), 0);
  EXPECT_EQ(report.suppressed_team_count(), 1);
  // Five is enough.
  EXPECT_FALSE(BuildEnpsReport("enpsSurveys/1", 5, Answers("A", {10, 9, 0, 3, 8})).suppressed());
}

TEST(EnpsRulesTest, SmallTeamsAreLeftOutAndCannotBeRecoveredByDifference) {
  // A: 6, B: 7, C: 2. Reporting A and B would reveal C as overall - A - B, so the
  // smallest reported team (A) is withheld too: only B is shown.
  std::vector<EnpsTally> tallies =
      Concat({Answers("A", {10, 10, 10, 10, 10, 10}), Answers("B", {0, 0, 0, 9, 9, 9, 9}),
              Answers("C", {0, 0})});
  v1::EnpsReport report = BuildEnpsReport("enpsSurveys/2", 5, tallies);
  ASSERT_FALSE(report.suppressed());
  EXPECT_EQ(report.overall().respondent_count(), 15);
  ASSERT_EQ(report.teams_size(), 1);
  EXPECT_EQ(report.teams(0).team(), "B");
  EXPECT_EQ(report.suppressed_team_count(), 2);
  // What is not shown (overall - shown teams) is at least the minimum group size.
  EXPECT_GE(report.overall().respondent_count() - report.teams(0).figures().respondent_count(), 5);

  // When the left-out answers already number 5 or more, every large team is shown.
  std::vector<EnpsTally> enough =
      Concat({Answers("A", {10, 10, 10, 10, 10}), Answers("C", {0, 0, 0}), Answers("D", {9, 9})});
  v1::EnpsReport shown = BuildEnpsReport("enpsSurveys/3", 5, enough);
  ASSERT_EQ(shown.teams_size(), 1);
  EXPECT_EQ(shown.teams(0).team(), "A");
  EXPECT_EQ(shown.suppressed_team_count(), 2);
}

TEST(EnpsRulesTest, AnswersWithoutTeamCountOnlyOverall) {
  std::vector<EnpsTally> tallies = Concat({Answers("", {10, 9, 8, 0, 1, 2})});
  v1::EnpsReport report = BuildEnpsReport("enpsSurveys/4", 5, tallies);
  EXPECT_FALSE(report.suppressed());
  EXPECT_EQ(report.overall().respondent_count(), 6);
  EXPECT_EQ(report.teams_size(), 0);
  EXPECT_EQ(report.suppressed_team_count(), 0);
}

TEST(EnpsRulesTest, RespondentKeyHidesThePrincipalAndDependsOnTheSurvey) {
  const std::string key = RespondentKey(1, "ada@example.com");
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(key.find("ada"), std::string::npos);
  EXPECT_EQ(key, RespondentKey(1, "ada@example.com"));
  EXPECT_NE(key, RespondentKey(2, "ada@example.com"));
  EXPECT_NE(key, RespondentKey(1, "bob@example.com"));
}

TEST(EnpsRulesTest, NormalizeSurveyFillsDefaultsAndNamesBadFields) {
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  v1::EnpsSurvey survey;
  survey.set_title("Q3 pulse");
  survey.add_teams(" Sales ");
  ASSERT_TRUE(NormalizeSurvey(survey, now).ok());
  EXPECT_EQ(survey.question(), kDefaultEnpsQuestion);
  EXPECT_EQ(survey.min_group_size(), 5);
  EXPECT_EQ(survey.teams(0), "Sales");

  struct Case {
    void (*mutate)(v1::EnpsSurvey&);
    std::string expected;
  };
  const std::vector<Case> cases = {
      {[](v1::EnpsSurvey& s) { s.set_title(""); }, "enps_survey.title"},
      {[](v1::EnpsSurvey& s) { s.set_question(std::string(1001, 'q')); }, "enps_survey.question"},
      {[](v1::EnpsSurvey& s) { s.set_min_group_size(2); }, "enps_survey.min_group_size"},
      {[](v1::EnpsSurvey& s) { s.add_teams("Sales"); }, "enps_survey.teams[1]"},
      {[](v1::EnpsSurvey& s) { s.add_teams(""); }, "enps_survey.teams[1]"},
      {[](v1::EnpsSurvey& s) { s.mutable_close_time()->set_seconds(1'600'000'000); },
       "enps_survey.close_time: must be in the future"},
  };
  for (const Case& c : cases) {
    v1::EnpsSurvey bad;
    bad.set_title("Q3 pulse");
    bad.add_teams("Sales");
    c.mutate(bad);
    absl::Status status = NormalizeSurvey(bad, now);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.expected));
  }
}

TEST(EnpsRulesTest, AnOpenSurveyPastItsCloseTimeIsClosed) {
  v1::EnpsSurvey survey;
  survey.set_state(v1::ENPS_SURVEY_STATE_OPEN);
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  EXPECT_EQ(EffectiveState(survey, now), v1::ENPS_SURVEY_STATE_OPEN);
  *survey.mutable_close_time() = common::ToProtoTimestamp(now + absl::Seconds(1));
  EXPECT_EQ(EffectiveState(survey, now), v1::ENPS_SURVEY_STATE_OPEN);
  EXPECT_EQ(EffectiveState(survey, now + absl::Seconds(1)), v1::ENPS_SURVEY_STATE_CLOSED);
}

}  // namespace
}  // namespace crm::customer
