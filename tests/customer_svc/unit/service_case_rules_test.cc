// Service case rules without a database: the tier service levels, the status
// machine, escalation priorities, CSAT range, SLA breach, case numbers, field
// validation and the ListServiceCases filter; plus the interaction checks.
#include "customer_svc/domain/service_case_rules.h"

#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <utility>

#include "common/api/time_util.h"
#include "customer_svc/domain/interaction_service.h"
#include "customer_svc/domain/resource_references.h"
#include "customer_svc/domain/service_case_service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::customer {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(ServiceLevelTest, PriorityAndSlaFollowTheTierWithPlatinumHighest) {
  const absl::Time opened = absl::FromUnixSeconds(1700000000);
  EXPECT_EQ(TierServiceLevel(v1::TIER_PLATINUM).default_priority, v1::CASE_PRIORITY_HIGH);
  EXPECT_EQ(TierServiceLevel(v1::TIER_GOLD).default_priority, v1::CASE_PRIORITY_MEDIUM);
  EXPECT_EQ(TierServiceLevel(v1::TIER_SILVER).default_priority, v1::CASE_PRIORITY_LOW);
  EXPECT_EQ(TierServiceLevel(v1::TIER_STANDARD).default_priority, v1::CASE_PRIORITY_LOW);
  EXPECT_EQ(SlaDueTime(v1::TIER_PLATINUM, opened), opened + absl::Hours(4));
  EXPECT_EQ(SlaDueTime(v1::TIER_GOLD, opened), opened + absl::Hours(8));
  EXPECT_EQ(SlaDueTime(v1::TIER_SILVER, opened), opened + absl::Hours(24));
  EXPECT_EQ(SlaDueTime(v1::TIER_STANDARD, opened), opened + absl::Hours(48));
  // Unset tier is STANDARD.
  EXPECT_EQ(SlaDueTime(v1::TIER_UNSPECIFIED, opened), opened + absl::Hours(48));
  EXPECT_EQ(TierServiceLevel(v1::TIER_UNSPECIFIED).default_priority, v1::CASE_PRIORITY_LOW);
}

TEST(ServiceLevelTest, HigherTiersNeverGetSlowerService) {
  const v1::Tier ascending[] = {v1::TIER_STANDARD, v1::TIER_SILVER, v1::TIER_GOLD,
                                v1::TIER_PLATINUM};
  for (size_t i = 1; i < std::size(ascending); ++i) {
    EXPECT_LT(TierServiceLevel(ascending[i]).resolve_within,
              TierServiceLevel(ascending[i - 1]).resolve_within);
    EXPECT_GE(TierServiceLevel(ascending[i]).default_priority,
              TierServiceLevel(ascending[i - 1]).default_priority);
  }
}

TEST(CaseStatusTest, TransitionTableIsExactlyTheDocumentedOne) {
  const std::set<std::pair<int, int>> legal = {{1, 2}, {2, 1}, {1, 3}, {2, 3}, {3, 1}, {3, 4}};
  for (int from = 0; from <= 4; ++from) {
    for (int to = 0; to <= 4; ++to) {
      const auto from_status = static_cast<v1::CaseStatus>(from);
      const auto to_status = static_cast<v1::CaseStatus>(to);
      EXPECT_EQ(IsLegalCaseTransition(from_status, to_status), legal.count({from, to}) == 1)
          << from << " -> " << to;
      EXPECT_EQ(CheckCaseTransition("customers/1/serviceCases/2", from_status, to_status).ok(),
                legal.count({from, to}) == 1);
    }
  }
}

TEST(CaseStatusTest, IllegalMoveIsFailedPreconditionNamingFromAndTo) {
  absl::Status status = CheckCaseTransition("customers/1/serviceCases/2", v1::CASE_STATUS_CLOSED,
                                            v1::CASE_STATUS_OPEN);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(status), HasSubstr("customers/1/serviceCases/2"));
  EXPECT_THAT(Message(status), HasSubstr("from status CLOSED to OPEN"));
  EXPECT_THAT(Message(status), HasSubstr("no other status"));

  status = CheckCaseTransition("c", v1::CASE_STATUS_OPEN, v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(status), HasSubstr("from status OPEN to CLOSED"));
  EXPECT_THAT(Message(status), HasSubstr("it can move to PENDING, RESOLVED"));
}

TEST(CaseStatusTest, OnlyOpenAndPendingCasesCanBeEscalated) {
  EXPECT_TRUE(CheckCanEscalate("c", v1::CASE_STATUS_OPEN).ok());
  EXPECT_TRUE(CheckCanEscalate("c", v1::CASE_STATUS_PENDING).ok());
  for (v1::CaseStatus status : {v1::CASE_STATUS_RESOLVED, v1::CASE_STATUS_CLOSED}) {
    absl::Status refused = CheckCanEscalate("customers/1/serviceCases/2", status);
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(Message(refused), HasSubstr(CaseStatusName(status)));
  }
}

TEST(EscalationTest, UnsetPriorityRaisesOneStepAndUrgentStays) {
  EXPECT_EQ(EscalatedPriority(v1::CASE_PRIORITY_LOW, v1::CASE_PRIORITY_UNSPECIFIED).value(),
            v1::CASE_PRIORITY_MEDIUM);
  EXPECT_EQ(EscalatedPriority(v1::CASE_PRIORITY_MEDIUM, v1::CASE_PRIORITY_UNSPECIFIED).value(),
            v1::CASE_PRIORITY_HIGH);
  EXPECT_EQ(EscalatedPriority(v1::CASE_PRIORITY_HIGH, v1::CASE_PRIORITY_UNSPECIFIED).value(),
            v1::CASE_PRIORITY_URGENT);
  EXPECT_EQ(EscalatedPriority(v1::CASE_PRIORITY_URGENT, v1::CASE_PRIORITY_UNSPECIFIED).value(),
            v1::CASE_PRIORITY_URGENT);
  EXPECT_EQ(EscalatedPriority(v1::CASE_PRIORITY_LOW, v1::CASE_PRIORITY_URGENT).value(),
            v1::CASE_PRIORITY_URGENT);
  EXPECT_EQ(EscalatedPriority(v1::CASE_PRIORITY_HIGH, v1::CASE_PRIORITY_HIGH).value(),
            v1::CASE_PRIORITY_HIGH);
}

TEST(EscalationTest, ExplicitLowerPriorityIsRejected) {
  absl::StatusOr<v1::CasePriority> lowered =
      EscalatedPriority(v1::CASE_PRIORITY_HIGH, v1::CASE_PRIORITY_LOW);
  EXPECT_EQ(lowered.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(lowered.status()), HasSubstr("priority: "));
  EXPECT_THAT(Message(lowered.status()), HasSubstr("from HIGH to LOW"));
}

TEST(CsatTest, AcceptsZeroAndOneToFiveOnly) {
  for (int score : {0, 1, 2, 3, 4, 5}) EXPECT_TRUE(ValidateCsatScore("csat_score", score).ok());
  for (int score : {-1, 6, 10, 100, -2147483647}) {
    absl::Status status = ValidateCsatScore("csat_score", score);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << score;
    EXPECT_THAT(Message(status), HasSubstr("csat_score: must be between 1 and 5"));
  }
}

TEST(SlaBreachTest, OpenCasesBreachAfterDueAndResolvedOnesByTheirResolveTime) {
  const absl::Time due = absl::FromUnixSeconds(1700000000);
  v1::ServiceCase service_case;
  *service_case.mutable_sla_due_time() = common::ToProtoTimestamp(due);
  service_case.set_status(v1::CASE_STATUS_OPEN);
  EXPECT_FALSE(IsSlaBreached(service_case, due));
  EXPECT_TRUE(IsSlaBreached(service_case, due + absl::Microseconds(1)));

  service_case.set_status(v1::CASE_STATUS_RESOLVED);
  *service_case.mutable_resolve_time() = common::ToProtoTimestamp(due - absl::Minutes(1));
  EXPECT_FALSE(IsSlaBreached(service_case, due + absl::Hours(100)));
  service_case.set_status(v1::CASE_STATUS_CLOSED);
  EXPECT_FALSE(IsSlaBreached(service_case, due + absl::Hours(100)));
  *service_case.mutable_resolve_time() = common::ToProtoTimestamp(due + absl::Minutes(1));
  EXPECT_TRUE(IsSlaBreached(service_case, due));

  // Reopened: the old resolve time no longer counts.
  service_case.set_status(v1::CASE_STATUS_OPEN);
  *service_case.mutable_resolve_time() = common::ToProtoTimestamp(due - absl::Minutes(1));
  EXPECT_TRUE(IsSlaBreached(service_case, due + absl::Minutes(5)));
}

TEST(CaseNumberTest, IsZeroPaddedAndNeverTruncated) {
  EXPECT_EQ(FormatCaseNumber(1), "CS-000001");
  EXPECT_EQ(FormatCaseNumber(123), "CS-000123");
  EXPECT_EQ(FormatCaseNumber(999999), "CS-999999");
  EXPECT_EQ(FormatCaseNumber(1234567), "CS-1234567");
}

TEST(ServiceCaseValidationTest, NamesTheFieldOfEachProblem) {
  v1::ServiceCase valid;
  valid.set_subject("Printer on fire");
  valid.set_assignee("employees/7");
  EXPECT_TRUE(ValidateServiceCase(valid).ok());

  struct Case {
    std::function<void(v1::ServiceCase&)> edit;
    std::string expected;
  };
  const Case cases[] = {
      {[](v1::ServiceCase& c) { c.set_subject(""); }, "service_case.subject: must not be empty"},
      {[](v1::ServiceCase& c) { c.set_subject("   "); }, "service_case.subject"},
      {[](v1::ServiceCase& c) { c.set_subject(std::string(201, 'x')); }, "service_case.subject"},
      {[](v1::ServiceCase& c) { c.set_subject("bad \xff utf8"); }, "service_case.subject"},
      {[](v1::ServiceCase& c) { c.set_description(std::string(10001, 'x')); },
       "service_case.description"},
      {[](v1::ServiceCase& c) { c.set_priority(static_cast<v1::CasePriority>(9)); },
       "service_case.priority"},
      {[](v1::ServiceCase& c) { c.set_assignee("bob"); }, "service_case.assignee"},
      {[](v1::ServiceCase& c) { c.set_assignee("employees/0"); }, "service_case.assignee"},
  };
  for (const Case& c : cases) {
    v1::ServiceCase edited = valid;
    c.edit(edited);
    absl::Status status = ValidateServiceCase(edited);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(Message(status), HasSubstr(c.expected));
  }
  v1::ServiceCase long_ok = valid;
  long_ok.set_subject(std::string(200, 'x'));
  long_ok.set_description(std::string(10000, 'y'));
  EXPECT_TRUE(ValidateServiceCase(long_ok).ok());
}

TEST(ServiceCaseFilterTest, ResolvesFieldsAndRejectsUnknownOnes) {
  auto conditions = ParseServiceCaseFilter(
      "status = OPEN AND priority != CASE_PRIORITY_LOW AND sla_breached = true AND "
      "assignee = employees/7 AND sla_due_time < \"2030-01-01T00:00:00Z\"");
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  ASSERT_EQ(conditions->size(), 5u);
  EXPECT_EQ(std::get<int64_t>((*conditions)[0].value), v1::CASE_STATUS_OPEN);
  EXPECT_EQ((*conditions)[1].match, common::Match::kNotEqual);
  EXPECT_EQ(std::get<int64_t>((*conditions)[2].value), 1);
  EXPECT_EQ(std::get<std::string>((*conditions)[3].value), "employees/7");
  EXPECT_EQ((*conditions)[4].match, common::Match::kLess);

  auto unknown = ParseServiceCaseFilter("csat_score = 5");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(unknown.status()), HasSubstr("unknown field \"csat_score\""));
  EXPECT_EQ(ParseServiceCaseFilter("status = DONE").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ResourceReferenceTest, AcceptsNamesOfAnyServiceOnly) {
  for (const char* good :
       {"suppliers/42", "customers/1/serviceCases/4", "partners/9223372036854775807"}) {
    EXPECT_TRUE(ValidateResourceReference("r", good).ok()) << good;
  }
  for (const char* bad : {"", "suppliers", "suppliers/", "suppliers/0", "suppliers/042",
                          "Suppliers/1", "suppliers/1/", "/suppliers/1", "suppliers/-1",
                          "suppliers/9223372036854775808", "sup pliers/1", "x/1'; DROP TABLE"}) {
    absl::Status status = ValidateResourceReference("interaction.related_resources[0]", bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(Message(status), HasSubstr("interaction.related_resources[0]: "));
  }
  EXPECT_TRUE(ValidateOptionalEmployee("employee", "").ok());
  EXPECT_TRUE(ValidateOptionalEmployee("employee", "employees/3").ok());
  EXPECT_THAT(Message(ValidateOptionalEmployee("interaction.employee", "customers/3")),
              HasSubstr("interaction.employee"));
}

TEST(InteractionValidationTest, NamesTheFieldOfEachProblem) {
  v1::Interaction valid;
  valid.set_channel(v1::INTERACTION_CHANNEL_PHONE_CALL);
  valid.set_direction(v1::INTERACTION_DIRECTION_INBOUND);
  valid.set_subject("Renewal call");
  valid.add_participants("Jane Doe <jane@example.com>");
  valid.add_related_resources("customers/1/serviceCases/4");
  EXPECT_TRUE(ValidateInteraction(valid).ok());

  struct Case {
    std::function<void(v1::Interaction&)> edit;
    std::string expected;
  };
  const Case cases[] = {
      {[](v1::Interaction& i) { i.set_channel(v1::INTERACTION_CHANNEL_UNSPECIFIED); },
       "interaction.channel: must be set"},
      {[](v1::Interaction& i) { i.set_channel(v1::INTERACTION_CHANNEL_NOTE); },
       "interaction.direction: must be unset for a note"},
      {[](v1::Interaction& i) { i.set_direction(static_cast<v1::InteractionDirection>(7)); },
       "interaction.direction"},
      {[](v1::Interaction& i) { i.set_subject(""); }, "interaction.subject"},
      {[](v1::Interaction& i) { i.set_subject(std::string(201, 'a')); }, "interaction.subject"},
      {[](v1::Interaction& i) { i.set_summary(std::string(10001, 'a')); }, "interaction.summary"},
      {[](v1::Interaction& i) { i.set_sentiment(static_cast<v1::Sentiment>(9)); },
       "interaction.sentiment"},
      {[](v1::Interaction& i) { i.set_employee("jane"); }, "interaction.employee"},
      {[](v1::Interaction& i) { i.mutable_occur_time()->set_nanos(-1); }, "interaction.occur_time"},
      {[](v1::Interaction& i) { i.add_participants(""); }, "interaction.participants[1]"},
      {[](v1::Interaction& i) {
         for (int n = 0; n < 60; ++n) i.add_participants("p");
       },
       "interaction.participants: at most 50"},
      {[](v1::Interaction& i) { i.add_related_resources("nope"); },
       "interaction.related_resources[1]"},
  };
  for (const Case& c : cases) {
    v1::Interaction edited = valid;
    c.edit(edited);
    absl::Status status = ValidateInteraction(edited);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(Message(status), HasSubstr(c.expected));
  }
  v1::Interaction note = valid;
  note.set_channel(v1::INTERACTION_CHANNEL_NOTE);
  note.clear_direction();
  note.set_summary(std::string(10000, 'n'));
  EXPECT_TRUE(ValidateInteraction(note).ok());
}

TEST(InteractionFilterTest, ResolvesFieldsAndRejectsUnknownOnes) {
  auto conditions = ParseInteractionFilter(
      "channel = EMAIL AND sentiment = NEGATIVE AND related_resources : \"suppliers/42\" AND "
      "occur_time >= \"2024-01-01T00:00:00Z\" AND employee = employees/3");
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  ASSERT_EQ(conditions->size(), 5u);
  EXPECT_EQ(std::get<int64_t>((*conditions)[0].value), v1::INTERACTION_CHANNEL_EMAIL);
  EXPECT_EQ(std::get<int64_t>((*conditions)[1].value), v1::SENTIMENT_NEGATIVE);
  EXPECT_EQ((*conditions)[2].column, InteractionColumn::kRelatedResource);
  EXPECT_EQ(std::get<std::string>((*conditions)[2].value), "suppliers/42");
  EXPECT_EQ((*conditions)[3].match, common::Match::kGreaterOrEqual);
  auto unknown = ParseInteractionFilter("summary = x");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(unknown.status()), HasSubstr("unknown field \"summary\""));
}

}  // namespace
}  // namespace crm::customer
