// ServiceCaseService with the MySQL repository against a fresh TestDatabase
// schema carrying customer_svc's migrations; the clock is injected.
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/api/time_util.h"
#include "customer_svc/domain/service_case_service.h"
#include "customer_svc/repository/mysql_service_case_repository.h"
#include "tests/customer_svc/mysql/customer_db_test.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

class ServiceCaseMySqlTest : public CustomerDbTest {
 protected:
  ServiceCaseMySqlTest()
      : CustomerDbTest("support", absl::FromUnixSeconds(1700000000), absl::Seconds(120)),
        repository_(pool_),
        service_(repository_, [this] { return Clock(); }) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CustomerDbTest::SetUp());
    customer_ = CreateCustomer("Acme", v1::TIER_GOLD);
  }

  absl::Time Clock() {
    absl::MutexLock lock(&clock_mu_);
    return now_;
  }
  void Advance(absl::Duration by) {
    absl::MutexLock lock(&clock_mu_);
    now_ += by;
  }

  absl::Time CustomerClock() override { return Clock(); }

  std::string CreateCustomer(const std::string& display_name, v1::Tier tier) {
    v1::Customer customer = CustomerDbTest::CreateCustomer(display_name, tier);
    EXPECT_EQ(customer.tier(), tier);
    return customer.name();
  }

  absl::StatusOr<v1::ServiceCase> Create(const std::string& subject, const std::string& parent = "",
                                         v1::CasePriority priority = v1::CASE_PRIORITY_UNSPECIFIED,
                                         const std::string& request_id = "") {
    v1::CreateServiceCaseRequest request;
    request.set_parent(parent.empty() ? customer_ : parent);
    request.mutable_service_case()->set_subject(subject);
    request.mutable_service_case()->set_priority(priority);
    request.set_request_id(request_id);
    v1::CreateServiceCaseResponse response;
    absl::Status status = service_.CreateServiceCase(call_, request, response);
    if (!status.ok()) return status;
    return response.service_case();
  }

  absl::StatusOr<v1::ServiceCase> Get(const std::string& name) {
    v1::GetServiceCaseRequest request;
    request.set_name(name);
    v1::GetServiceCaseResponse response;
    absl::Status status = service_.GetServiceCase(call_, request, response);
    if (!status.ok()) return status;
    return response.service_case();
  }

  absl::StatusOr<v1::ServiceCase> SetPending(const v1::ServiceCase& c) {
    v1::SetServiceCasePendingRequest request;
    request.set_name(c.name());
    request.set_reason("waiting for logs");
    request.set_etag(c.etag());
    v1::SetServiceCasePendingResponse response;
    absl::Status status = service_.SetServiceCasePending(call_, request, response);
    if (!status.ok()) return status;
    return response.service_case();
  }
  absl::StatusOr<v1::ServiceCase> Reopen(const v1::ServiceCase& c) {
    v1::ReopenServiceCaseRequest request;
    request.set_name(c.name());
    request.set_reason("customer answered");
    request.set_etag(c.etag());
    v1::ReopenServiceCaseResponse response;
    absl::Status status = service_.ReopenServiceCase(call_, request, response);
    if (!status.ok()) return status;
    return response.service_case();
  }
  absl::StatusOr<v1::ServiceCase> Resolve(const v1::ServiceCase& c,
                                          const std::string& resolution = "replaced the fuser") {
    v1::ResolveServiceCaseRequest request;
    request.set_name(c.name());
    request.set_resolution(resolution);
    request.set_etag(c.etag());
    v1::ResolveServiceCaseResponse response;
    absl::Status status = service_.ResolveServiceCase(call_, request, response);
    if (!status.ok()) return status;
    return response.service_case();
  }
  absl::StatusOr<v1::ServiceCase> Close(const v1::ServiceCase& c, int csat = 5,
                                        const std::string& comment = "great") {
    v1::CloseServiceCaseRequest request;
    request.set_name(c.name());
    request.set_csat_score(csat);
    request.set_csat_comment(comment);
    request.set_etag(c.etag());
    v1::CloseServiceCaseResponse response;
    absl::Status status = service_.CloseServiceCase(call_, request, response);
    if (!status.ok()) return status;
    return response.service_case();
  }
  absl::StatusOr<v1::ServiceCase> Escalate(
      const v1::ServiceCase& c, const std::string& reason, const std::string& assignee = "",
      v1::CasePriority priority = v1::CASE_PRIORITY_UNSPECIFIED) {
    v1::EscalateServiceCaseRequest request;
    request.set_name(c.name());
    request.set_reason(reason);
    request.set_assignee(assignee);
    request.set_priority(priority);
    request.set_etag(c.etag());
    v1::EscalateServiceCaseResponse response;
    absl::Status status = service_.EscalateServiceCase(call_, request, response);
    if (!status.ok()) return status;
    return response.service_case();
  }

  // Every page of a listing; returns the subjects.
  std::vector<std::string> ListAll(const std::string& parent, const std::string& filter = "",
                                   const std::string& order_by = "", bool show_deleted = false,
                                   int page_size = 2) {
    std::vector<std::string> subjects;
    std::string token;
    int pages = 0;
    do {
      v1::ListServiceCasesRequest request;
      request.set_parent(parent);
      request.set_page_size(page_size);
      request.set_filter(filter);
      request.set_order_by(order_by);
      request.set_show_deleted(show_deleted);
      request.set_page_token(token);
      v1::ListServiceCasesResponse response;
      absl::Status status = service_.ListServiceCases(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      EXPECT_LE(response.service_cases_size(), page_size);
      for (const auto& c : response.service_cases()) subjects.push_back(c.subject());
      token = response.next_page_token();
    } while (!token.empty() && ++pages < 100);
    return subjects;
  }

  MySqlServiceCaseRepository repository_;
  absl::Mutex clock_mu_;
  ServiceCaseService service_;
  std::string customer_;
};

TEST_F(ServiceCaseMySqlTest, PriorityAndSlaDueTimeFollowTheCustomersTier) {
  struct Expected {
    v1::Tier tier;
    v1::CasePriority priority;
    absl::Duration sla;
  };
  const Expected expected[] = {
      {v1::TIER_PLATINUM, v1::CASE_PRIORITY_HIGH, absl::Hours(4)},
      {v1::TIER_GOLD, v1::CASE_PRIORITY_MEDIUM, absl::Hours(8)},
      {v1::TIER_SILVER, v1::CASE_PRIORITY_LOW, absl::Hours(24)},
      {v1::TIER_STANDARD, v1::CASE_PRIORITY_LOW, absl::Hours(48)},
  };
  for (const Expected& e : expected) {
    const std::string customer = CreateCustomer(v1::Tier_Name(e.tier), e.tier);
    Advance(absl::Minutes(7));
    const absl::Time opened = Clock();
    absl::StatusOr<v1::ServiceCase> created = Create("Printer on fire", customer);
    ASSERT_THAT(created, IsOk());
    EXPECT_EQ(created->priority(), e.priority) << v1::Tier_Name(e.tier);
    EXPECT_EQ(common::FromProtoTimestamp(created->sla_due_time()), opened + e.sla)
        << v1::Tier_Name(e.tier);
    EXPECT_EQ(created->status(), v1::CASE_STATUS_OPEN);
    EXPECT_FALSE(created->sla_breached());
    EXPECT_THAT(created->case_number(), MatchesRegex("CS-[0-9]{6}"));
    EXPECT_THAT(created->name(), HasSubstr(absl::StrCat(customer, "/serviceCases/")));
    absl::StatusOr<v1::ServiceCase> got = Get(created->name());
    ASSERT_THAT(got, IsOk());
    EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());
  }
  // The caller may set the priority explicitly.
  const std::string platinum = CreateCustomer("Big", v1::TIER_PLATINUM);
  absl::StatusOr<v1::ServiceCase> low = Create("minor", platinum, v1::CASE_PRIORITY_LOW);
  ASSERT_THAT(low, IsOk());
  EXPECT_EQ(low->priority(), v1::CASE_PRIORITY_LOW);
  EXPECT_EQ(common::FromProtoTimestamp(low->sla_due_time()), Clock() + absl::Hours(4));
}

TEST_F(ServiceCaseMySqlTest, SlaBreachDependsOnTheClockAndTheResolveTime) {
  absl::StatusOr<v1::ServiceCase> late = Create("late");  // GOLD: 8 h
  absl::StatusOr<v1::ServiceCase> quick = Create("quick");
  ASSERT_THAT(late, IsOk());
  ASSERT_THAT(quick, IsOk());
  Advance(absl::Hours(7));
  absl::StatusOr<v1::ServiceCase> resolved = Resolve(*quick);
  ASSERT_THAT(resolved, IsOk());
  EXPECT_FALSE(resolved->sla_breached());
  EXPECT_FALSE(Get(late->name())->sla_breached());
  EXPECT_EQ(ListAll(customer_, "sla_breached = true"), std::vector<std::string>{});
  Advance(absl::Hours(2));
  EXPECT_TRUE(Get(late->name())->sla_breached());
  EXPECT_FALSE(Get(quick->name())->sla_breached());  // resolved in time
  EXPECT_EQ(ListAll(customer_, "sla_breached = true"), std::vector<std::string>{"late"});
  EXPECT_EQ(ListAll(customer_, "sla_breached = false"), std::vector<std::string>{"quick"});
  absl::StatusOr<v1::ServiceCase> late_resolved = Resolve(*late);
  ASSERT_THAT(late_resolved, IsOk());
  EXPECT_TRUE(late_resolved->sla_breached());
}

TEST_F(ServiceCaseMySqlTest, EveryLegalTransitionMovesTheStatusAndIsAudited) {
  absl::StatusOr<v1::ServiceCase> c = Create("Printer on fire");
  ASSERT_THAT(c, IsOk());
  // OPEN → PENDING → OPEN → RESOLVED → OPEN → PENDING → RESOLVED → CLOSED
  c = SetPending(*c);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->status(), v1::CASE_STATUS_PENDING);
  c = Reopen(*c);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->status(), v1::CASE_STATUS_OPEN);
  Advance(absl::Hours(1));
  const absl::Time first_resolve = Clock();
  c = Resolve(*c, "rebooted");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->status(), v1::CASE_STATUS_RESOLVED);
  EXPECT_EQ(c->resolution(), "rebooted");
  EXPECT_EQ(common::FromProtoTimestamp(c->resolve_time()), first_resolve);
  c = Reopen(*c);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->status(), v1::CASE_STATUS_OPEN);
  c = SetPending(*c);
  ASSERT_THAT(c, IsOk());
  Advance(absl::Hours(1));
  c = Resolve(*c, "replaced the fuser");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->status(), v1::CASE_STATUS_RESOLVED);
  EXPECT_EQ(c->resolution(), "replaced the fuser");
  EXPECT_EQ(common::FromProtoTimestamp(c->resolve_time()), Clock());
  Advance(absl::Hours(1));
  c = Close(*c, 4, "fast and friendly");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(c->csat_score(), 4);
  EXPECT_EQ(c->csat_comment(), "fast and friendly");
  EXPECT_EQ(common::FromProtoTimestamp(c->close_time()), Clock());
  EXPECT_EQ(Get(c->name())->SerializeAsString(), c->SerializeAsString());
  // The score is also a CSAT feedback response about the case.
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM feedback WHERE kind = 2 AND score = 4 AND "
                               "comment = 'fast and friendly' AND subject = '",
                               c->name(), "'")),
            1);
  // One create and seven state changes, each with its reason where one was given.
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '", c->name(),
                               "' AND action = 5")),
            7);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '", c->name(),
                               "' AND reason = 'waiting for logs'")),
            2);
}

TEST_F(ServiceCaseMySqlTest, IllegalTransitionsAreFailedPreconditionAndChangeNothing) {
  absl::StatusOr<v1::ServiceCase> open = Create("open");
  ASSERT_THAT(open, IsOk());
  absl::StatusOr<v1::ServiceCase> closed_open = Close(*open);
  EXPECT_EQ(closed_open.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(closed_open.status()), HasSubstr("from status OPEN to CLOSED"));
  absl::StatusOr<v1::ServiceCase> reopen_open = Reopen(*open);
  EXPECT_EQ(reopen_open.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(reopen_open.status()), HasSubstr("from status OPEN to OPEN"));

  absl::StatusOr<v1::ServiceCase> pending = SetPending(*open);
  ASSERT_THAT(pending, IsOk());
  absl::StatusOr<v1::ServiceCase> pending_again = SetPending(*pending);
  EXPECT_EQ(pending_again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(pending_again.status()), HasSubstr("from status PENDING to PENDING"));
  EXPECT_EQ(Close(*pending).status().code(), absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<v1::ServiceCase> resolved = Resolve(*pending);
  ASSERT_THAT(resolved, IsOk());
  absl::StatusOr<v1::ServiceCase> pending_resolved = SetPending(*resolved);
  EXPECT_EQ(pending_resolved.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(pending_resolved.status()), HasSubstr("from status RESOLVED to PENDING"));
  absl::StatusOr<v1::ServiceCase> resolve_again = Resolve(*resolved);
  EXPECT_EQ(resolve_again.status().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<v1::ServiceCase> escalate_resolved = Escalate(*resolved, "angry");
  EXPECT_EQ(escalate_resolved.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(escalate_resolved.status()), HasSubstr("RESOLVED"));

  absl::StatusOr<v1::ServiceCase> closed = Close(*resolved);
  ASSERT_THAT(closed, IsOk());
  for (const absl::Status& status :
       {Reopen(*closed).status(), Resolve(*closed).status(), SetPending(*closed).status(),
        Close(*closed).status(), Escalate(*closed, "too late").status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_THAT(Message(status), HasSubstr("CLOSED"));
    EXPECT_THAT(Message(status), HasSubstr(closed->name()));
  }
  v1::UpdateServiceCaseRequest update;
  *update.mutable_service_case() = *closed;
  update.mutable_service_case()->set_subject("renamed");
  update.mutable_update_mask()->add_paths("subject");
  v1::UpdateServiceCaseResponse updated;
  EXPECT_EQ(service_.UpdateServiceCase(call_, update, updated).code(),
            absl::StatusCode::kFailedPrecondition);
  // Nothing moved: same version, same status.
  absl::StatusOr<v1::ServiceCase> after = Get(closed->name());
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->etag(), closed->etag());
  EXPECT_EQ(after->status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(after->subject(), "open");
}

TEST_F(ServiceCaseMySqlTest, CloseValidatesCsatAndTheComment) {
  absl::StatusOr<v1::ServiceCase> c = Create("csat");
  ASSERT_THAT(c, IsOk());
  c = Resolve(*c);
  ASSERT_THAT(c, IsOk());
  for (int score : {-1, 6, 11}) {
    absl::StatusOr<v1::ServiceCase> closed = Close(*c, score);
    EXPECT_EQ(closed.status().code(), absl::StatusCode::kInvalidArgument) << score;
    EXPECT_THAT(Message(closed.status()), HasSubstr("csat_score"));
  }
  absl::StatusOr<v1::ServiceCase> long_comment = Close(*c, 3, std::string(4001, 'c'));
  EXPECT_EQ(long_comment.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(long_comment.status()), HasSubstr("csat_comment"));
  EXPECT_EQ(Get(c->name())->status(), v1::CASE_STATUS_RESOLVED);

  const std::string comment = "Très bien 👍 '; DROP TABLE service_cases; --";
  absl::StatusOr<v1::ServiceCase> closed = Close(*c, 0, comment);  // 0: no score given
  ASSERT_THAT(closed, IsOk());
  EXPECT_EQ(closed->csat_score(), 0);
  EXPECT_EQ(Get(c->name())->csat_comment(), comment);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback"), 0);  // no score, no feedback response
}

TEST_F(ServiceCaseMySqlTest, EscalationRaisesLevelPriorityAndAssignee) {
  absl::StatusOr<v1::ServiceCase> c = Create("outage");  // GOLD: MEDIUM
  ASSERT_THAT(c, IsOk());
  absl::StatusOr<v1::ServiceCase> missing_reason = Escalate(*c, "");
  EXPECT_EQ(missing_reason.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(missing_reason.status()), HasSubstr("reason"));
  absl::StatusOr<v1::ServiceCase> bad_assignee = Escalate(*c, "x", "bob");
  EXPECT_EQ(bad_assignee.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad_assignee.status()), HasSubstr("assignee"));
  absl::StatusOr<v1::ServiceCase> lower = Escalate(*c, "x", "", v1::CASE_PRIORITY_LOW);
  EXPECT_EQ(lower.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(lower.status()), HasSubstr("priority"));

  Advance(absl::Minutes(30));
  absl::StatusOr<v1::ServiceCase> first = Escalate(*c, "customer called twice", "employees/5");
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->priority(), v1::CASE_PRIORITY_HIGH);
  EXPECT_EQ(first->assignee(), "employees/5");
  ASSERT_EQ(first->escalations_size(), 1);
  EXPECT_EQ(first->escalations(0).level(), 1);
  EXPECT_EQ(first->escalations(0).from_assignee(), "");
  EXPECT_EQ(first->escalations(0).to_assignee(), "employees/5");
  EXPECT_EQ(first->escalations(0).actor(), "support");
  EXPECT_EQ(first->escalations(0).reason(), "customer called twice");
  EXPECT_EQ(common::FromProtoTimestamp(first->escalations(0).escalate_time()), Clock());

  absl::StatusOr<v1::ServiceCase> pending = SetPending(*first);  // PENDING can escalate too
  ASSERT_THAT(pending, IsOk());
  absl::StatusOr<v1::ServiceCase> second = Escalate(*pending, "CEO involved");
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->priority(), v1::CASE_PRIORITY_URGENT);
  EXPECT_EQ(second->assignee(), "employees/5");  // kept
  EXPECT_EQ(second->status(), v1::CASE_STATUS_PENDING);
  ASSERT_EQ(second->escalations_size(), 2);
  EXPECT_EQ(second->escalations(1).level(), 2);
  EXPECT_EQ(second->escalations(1).from_assignee(), "employees/5");
  EXPECT_EQ(second->escalations(1).to_assignee(), "employees/5");
  absl::StatusOr<v1::ServiceCase> third = Escalate(*second, "still broken");
  ASSERT_THAT(third, IsOk());
  EXPECT_EQ(third->priority(), v1::CASE_PRIORITY_URGENT);  // stays at the top
  EXPECT_EQ(third->escalations_size(), 3);
  EXPECT_EQ(Get(c->name())->SerializeAsString(), third->SerializeAsString());
  // A stale etag changes nothing.
  absl::StatusOr<v1::ServiceCase> stale = Escalate(*second, "again");
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(c->name())->escalations_size(), 3);
}

TEST_F(ServiceCaseMySqlTest, CaseNumbersAreUniqueUnderConcurrentCreates) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 5;
  absl::Mutex mu;
  std::set<std::string> numbers;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<v1::ServiceCase> created = Create(absl::StrCat("case ", t, "-", i));
        absl::MutexLock lock(&mu);
        if (created.ok()) {
          numbers.insert(created->case_number());
        } else {
          errors.push_back(created.status().ToString());
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(numbers.size(), static_cast<size_t>(kThreads * kPerThread));
  for (const std::string& number : numbers) EXPECT_THAT(number, MatchesRegex("CS-[0-9]{6}"));
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT case_number) FROM service_cases"), kThreads * kPerThread);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_cases WHERE case_number IS NULL"), 0);
}

TEST_F(ServiceCaseMySqlTest, CreateReplayReturnsTheFirstResultAndCreatesOneRow) {
  absl::StatusOr<v1::ServiceCase> first =
      Create("Printer", "", v1::CASE_PRIORITY_UNSPECIFIED, "case-1");
  ASSERT_THAT(first, IsOk());
  Advance(absl::Minutes(1));
  absl::StatusOr<v1::ServiceCase> replay =
      Create("Printer", "", v1::CASE_PRIORITY_UNSPECIFIED, "case-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_cases"), 1);
  absl::StatusOr<v1::ServiceCase> other =
      Create("Scanner", "", v1::CASE_PRIORITY_UNSPECIFIED, "case-1");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_cases"), 1);
}

TEST_F(ServiceCaseMySqlTest, CreateRejectsBadInputAndUnknownOrDeletedCustomers) {
  struct Case {
    std::string subject;
    v1::CasePriority priority;
    std::string expected;
  };
  const Case cases[] = {
      {"", v1::CASE_PRIORITY_UNSPECIFIED, "service_case.subject"},
      {std::string(201, 's'), v1::CASE_PRIORITY_UNSPECIFIED, "service_case.subject"},
      {"ok", static_cast<v1::CasePriority>(42), "service_case.priority"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<v1::ServiceCase> created = Create(c.subject, "", c.priority);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_THAT(Message(created.status()), HasSubstr(c.expected));
  }
  v1::CreateServiceCaseRequest request;
  request.set_parent(customer_);
  request.mutable_service_case()->set_subject("x");
  request.mutable_service_case()->set_description(std::string(10001, 'd'));
  v1::CreateServiceCaseResponse response;
  absl::Status status = service_.CreateServiceCase(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("service_case.description"));
  request.mutable_service_case()->set_description("");
  request.set_request_id("bad id with spaces");
  status = service_.CreateServiceCase(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("request_id"));

  absl::StatusOr<v1::ServiceCase> missing = Create("x", "customers/999999");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(missing.status()), HasSubstr("customers/999999"));
  EXPECT_EQ(Create("x", "suppliers/1").status().code(), absl::StatusCode::kInvalidArgument);

  v1::DeleteCustomerRequest remove;
  remove.set_name(customer_);
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());
  absl::StatusOr<v1::ServiceCase> deleted = Create("x");
  EXPECT_EQ(deleted.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_cases"), 0);
}

TEST_F(ServiceCaseMySqlTest, OutputOnlyFieldsAreIgnoredAndTenKilobyteTextsStoredVerbatim) {
  v1::CreateServiceCaseRequest request;
  request.set_parent(customer_);
  v1::ServiceCase& input = *request.mutable_service_case();
  input.set_subject("Ünïcödé 🚀 \"quoted\" 'single' \\ % _");
  std::string description;
  for (int i = 0; i < 10000; ++i) description += (i % 3 ? "ü" : "🚀");
  input.set_description(description);
  input.set_status(v1::CASE_STATUS_CLOSED);
  input.set_case_number("CS-999999");
  input.set_csat_score(5);
  input.set_resolution("already done");
  input.add_escalations()->set_level(9);
  v1::CreateServiceCaseResponse response;
  ASSERT_THAT(service_.CreateServiceCase(call_, request, response), IsOk());
  const v1::ServiceCase& created = response.service_case();
  EXPECT_EQ(created.status(), v1::CASE_STATUS_OPEN);
  EXPECT_NE(created.case_number(), "CS-999999");
  EXPECT_EQ(created.csat_score(), 0);
  EXPECT_EQ(created.resolution(), "");
  EXPECT_EQ(created.escalations_size(), 0);
  absl::StatusOr<v1::ServiceCase> got = Get(created.name());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->subject(), input.subject());
  EXPECT_EQ(got->description(), description);
}

TEST_F(ServiceCaseMySqlTest, UpdateChangesOnlyMaskedFieldsAndChecksEtagAndPaths) {
  absl::StatusOr<v1::ServiceCase> c = Create("Printer");
  ASSERT_THAT(c, IsOk());
  Advance(absl::Minutes(1));
  v1::UpdateServiceCaseRequest update;
  *update.mutable_service_case() = *c;
  update.mutable_service_case()->set_subject("Printer and scanner");
  update.mutable_service_case()->set_priority(v1::CASE_PRIORITY_URGENT);
  update.mutable_service_case()->set_description("not in the mask");
  update.mutable_update_mask()->add_paths("subject");
  update.mutable_update_mask()->add_paths("priority");
  v1::UpdateServiceCaseResponse updated;
  ASSERT_THAT(service_.UpdateServiceCase(call_, update, updated), IsOk());
  EXPECT_EQ(updated.service_case().subject(), "Printer and scanner");
  EXPECT_EQ(updated.service_case().priority(), v1::CASE_PRIORITY_URGENT);
  EXPECT_EQ(updated.service_case().description(), "");
  EXPECT_EQ(updated.service_case().sla_due_time().seconds(), c->sla_due_time().seconds());
  EXPECT_NE(updated.service_case().etag(), c->etag());
  EXPECT_EQ(common::FromProtoTimestamp(updated.service_case().update_time()), Clock());

  // The same values again: nothing written, same etag, one UPDATE audit entry in all.
  v1::UpdateServiceCaseRequest same;
  *same.mutable_service_case() = updated.service_case();
  same.mutable_update_mask()->add_paths("subject");
  v1::UpdateServiceCaseResponse unchanged;
  ASSERT_THAT(service_.UpdateServiceCase(call_, same, unchanged), IsOk());
  EXPECT_EQ(unchanged.service_case().etag(), updated.service_case().etag());
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '", c->name(),
                               "' AND action = 2")),
            1);

  update.mutable_service_case()->set_subject("Lost update");
  EXPECT_EQ(service_.UpdateServiceCase(call_, update, updated).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(c->name())->subject(), "Printer and scanner");

  update.mutable_service_case()->set_etag("Not-An-Etag");
  absl::Status malformed = service_.UpdateServiceCase(call_, update, updated);
  EXPECT_EQ(malformed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(malformed), HasSubstr("service_case.etag"));
  update.mutable_service_case()->clear_etag();
  for (const char* path :
       {"status", "case_number", "sla_due_time", "escalations", "csat_score", "bogus"}) {
    update.mutable_update_mask()->Clear();
    update.mutable_update_mask()->add_paths(path);
    absl::Status status = service_.UpdateServiceCase(call_, update, updated);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(Message(status), HasSubstr("update_mask")) << path;
  }
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("priority");
  update.mutable_service_case()->set_priority(v1::CASE_PRIORITY_UNSPECIFIED);
  absl::Status status = service_.UpdateServiceCase(call_, update, updated);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("service_case.priority"));
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("assignee");
  update.mutable_service_case()->set_assignee("employees/x");
  status = service_.UpdateServiceCase(call_, update, updated);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("service_case.assignee"));
  update.mutable_service_case()->set_assignee("employees/3");
  ASSERT_THAT(service_.UpdateServiceCase(call_, update, updated), IsOk());
  EXPECT_EQ(updated.service_case().assignee(), "employees/3");
  EXPECT_EQ(updated.service_case().subject(), "Printer and scanner");

  update.mutable_service_case()->set_name(absl::StrCat(customer_, "/serviceCases/999999"));
  EXPECT_EQ(service_.UpdateServiceCase(call_, update, updated).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(absl::StrCat(customer_, "/serviceCases/999999")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Get("customers/1/cases/1").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ServiceCaseMySqlTest, DeleteHidesTheCaseAndUndeleteRestoresIt) {
  absl::StatusOr<v1::ServiceCase> kept = Create("kept");
  Advance(absl::Seconds(1));
  absl::StatusOr<v1::ServiceCase> removed = Create("removed");
  ASSERT_THAT(kept, IsOk());
  ASSERT_THAT(removed, IsOk());
  v1::DeleteServiceCaseRequest remove;
  remove.set_name(removed->name());
  remove.set_etag("zz");
  v1::DeleteServiceCaseResponse deleted;
  EXPECT_EQ(service_.DeleteServiceCase(call_, remove, deleted).code(), absl::StatusCode::kAborted);
  remove.set_etag(removed->etag());
  ASSERT_THAT(service_.DeleteServiceCase(call_, remove, deleted), IsOk());
  EXPECT_TRUE(deleted.service_case().has_delete_time());
  EXPECT_EQ(ListAll(customer_), std::vector<std::string>{"kept"});
  EXPECT_EQ(ListAll(customer_, "", "", /*show_deleted=*/true),
            (std::vector<std::string>{"removed", "kept"}));
  EXPECT_EQ(SetPending(deleted.service_case()).status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::UndeleteServiceCaseRequest restore;
  restore.set_name(removed->name());
  restore.set_etag(removed->etag());  // stale
  v1::UndeleteServiceCaseResponse restored;
  EXPECT_EQ(service_.UndeleteServiceCase(call_, restore, restored).code(),
            absl::StatusCode::kAborted);
  restore.set_etag(deleted.service_case().etag());
  ASSERT_THAT(service_.UndeleteServiceCase(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.service_case().has_delete_time());
  EXPECT_EQ(restored.service_case().case_number(), removed->case_number());
  EXPECT_EQ(ListAll(customer_), (std::vector<std::string>{"removed", "kept"}));
  EXPECT_EQ(service_.UndeleteServiceCase(call_, restore, restored).code(),
            absl::StatusCode::kFailedPrecondition);
  restore.set_name(absl::StrCat(customer_, "/serviceCases/999999"));
  EXPECT_EQ(service_.UndeleteServiceCase(call_, restore, restored).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ServiceCaseMySqlTest, ListPagesInEveryOrderAndFiltersByStatusAndPriority) {
  const std::string platinum = CreateCustomer("Big", v1::TIER_PLATINUM);
  const std::string standard = CreateCustomer("Small", v1::TIER_STANDARD);
  // Creation order a..e; due times: a +8h, b +4h(+1s), c +48h, d +4h(+3s), e +8h(+4s).
  ASSERT_THAT(Create("a"), IsOk());
  Advance(absl::Seconds(1));
  ASSERT_THAT(Create("b", platinum), IsOk());
  Advance(absl::Seconds(1));
  ASSERT_THAT(Create("c", standard), IsOk());
  Advance(absl::Seconds(1));
  absl::StatusOr<v1::ServiceCase> d = Create("d", platinum);
  ASSERT_THAT(d, IsOk());
  Advance(absl::Seconds(1));
  ASSERT_THAT(Create("e"), IsOk());
  ASSERT_THAT(SetPending(*d), IsOk());

  EXPECT_EQ(ListAll("customers/-"), (std::vector<std::string>{"e", "d", "c", "b", "a"}));
  EXPECT_EQ(ListAll("customers/-", "", "create_time"),
            (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(ListAll("customers/-", "", "sla_due_time"),
            (std::vector<std::string>{"b", "d", "a", "e", "c"}));
  // Priority: b, d HIGH; a, e MEDIUM; c LOW; ties by id descending.
  EXPECT_EQ(ListAll("customers/-", "", "priority desc"),
            (std::vector<std::string>{"d", "b", "e", "a", "c"}));
  EXPECT_EQ(ListAll("customers/-", "", "priority desc", false, 1),
            (std::vector<std::string>{"d", "b", "e", "a", "c"}));
  EXPECT_EQ(ListAll(customer_), (std::vector<std::string>{"e", "a"}));
  EXPECT_EQ(ListAll(platinum), (std::vector<std::string>{"d", "b"}));
  EXPECT_EQ(ListAll("customers/-", "status = PENDING"), std::vector<std::string>{"d"});
  EXPECT_EQ(ListAll("customers/-", "status = OPEN AND priority = HIGH"),
            std::vector<std::string>{"b"});
  EXPECT_EQ(ListAll("customers/-", "sla_due_time < \"2023-11-15T12:00:00Z\""),
            (std::vector<std::string>{"e", "d", "b", "a"}));

  v1::ListServiceCasesRequest request;
  request.set_parent("customers/-");
  request.set_page_size(2);
  v1::ListServiceCasesResponse first;
  ASSERT_THAT(service_.ListServiceCases(call_, request, first), IsOk());
  request.set_page_token(first.next_page_token());
  request.set_order_by("priority");  // a token of another query
  v1::ListServiceCasesResponse response;
  EXPECT_EQ(service_.ListServiceCases(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.clear_page_token();
  request.set_order_by("subject");
  absl::Status status = service_.ListServiceCases(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("order_by"));
  request.clear_order_by();
  request.set_filter("csat_score = 5");
  EXPECT_EQ(service_.ListServiceCases(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.clear_filter();
  request.set_parent("customers/999999");
  EXPECT_EQ(service_.ListServiceCases(call_, request, response).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace crm::customer
