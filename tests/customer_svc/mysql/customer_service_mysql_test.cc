// CustomerService and the audit log with the MySQL repository against a
// fresh TestDatabase schema carrying customer_svc's migrations.
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "common/audit/audit_log.h"
#include "crm/customer/v1/audit_service.pb.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/handlers/customer_services.h"
#include "customer_svc/repository/mysql_customer_repository.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::HasSubstr;

class CustomerServiceMySqlTest : public ::testing::Test {
 protected:
  CustomerServiceMySqlTest()
      : pool_(database_.options()),
        repository_(pool_),
        service_(repository_, [this] { return now_; }) {
    call_.caller.team = "sales";
    call_.request_id = "req-1";
    call_.deadline = absl::Now() + absl::Seconds(30);
  }

  void SetUp() override {
    ASSERT_THAT(common::ApplyServiceMigrations(pool_, "customer_svc", CustomerMigrations()),
                IsOk());
  }

  v1::Customer Create(const std::string& display_name, const std::string& domain = "",
                      const std::string& request_id = "") {
    v1::CreateCustomerRequest request;
    request.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
    request.mutable_customer()->set_display_name(display_name);
    request.mutable_customer()->mutable_organization_key()->set_web_domain(domain);
    request.set_request_id(request_id);
    v1::CreateCustomerResponse response;
    absl::Status status = service_.CreateCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    now_ += absl::Seconds(1);
    return response.customer();
  }

  absl::Status Transition(const std::string& name, v1::LifecycleStage to,
                          v1::TransitionLifecycleStageResponse* response = nullptr) {
    v1::TransitionLifecycleStageRequest request;
    request.set_name(name);
    request.set_to_stage(to);
    request.set_reason("qualified by phone");
    v1::TransitionLifecycleStageResponse ignored;
    return service_.TransitionLifecycleStage(call_, request, response ? *response : ignored);
  }

  std::vector<std::string> ListAllNames(const std::string& order_by, const std::string& filter,
                                        bool show_deleted = false) {
    std::vector<std::string> names;
    std::string token;
    do {
      v1::ListCustomersRequest request;
      request.set_page_size(3);
      request.set_order_by(order_by);
      request.set_filter(filter);
      request.set_show_deleted(show_deleted);
      request.set_page_token(token);
      v1::ListCustomersResponse response;
      absl::Status status = service_.ListCustomers(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      for (const auto& customer : response.customers()) names.push_back(customer.name());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  }

  test_support::TestDatabase database_;
  common::MySqlPool pool_;
  MySqlCustomerRepository repository_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  CustomerService service_;
  common::CallContext call_;
};

TEST_F(CustomerServiceMySqlTest, CreateThenGetReturnsTheStoredCustomer) {
  v1::Customer created = Create("Robert'); DROP TABLE customers; --", "WWW.Acme.Example");
  EXPECT_EQ(created.lifecycle_stage(), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_EQ(created.organization_key().web_domain(), "acme.example");
  v1::GetCustomerRequest get;
  get.set_name(created.name());
  v1::GetCustomerResponse got;
  ASSERT_THAT(service_.GetCustomer(call_, get, got), IsOk());
  EXPECT_EQ(got.customer().SerializeAsString(), created.SerializeAsString());
  EXPECT_EQ(got.customer().display_name(), "Robert'); DROP TABLE customers; --");
  get.set_name("customers/999999");
  EXPECT_EQ(service_.GetCustomer(call_, get, got).code(), absl::StatusCode::kNotFound);
}

TEST_F(CustomerServiceMySqlTest, CreateReplayReturnsTheFirstResultAndCreatesOneRow) {
  v1::Customer first = Create("Acme", "", "create-acme-1");
  v1::Customer replay = Create("Acme", "", "create-acme-1");
  EXPECT_EQ(replay.SerializeAsString(), first.SerializeAsString());
  absl::StatusOr<int64_t> rows = test_support::QueryInt(pool_, "SELECT COUNT(*) FROM customers");
  ASSERT_THAT(rows, IsOk());
  EXPECT_EQ(*rows, 1);
  v1::CreateCustomerRequest other;
  other.mutable_customer()->set_kind(v1::CUSTOMER_KIND_PERSON);
  other.mutable_customer()->set_display_name("Someone else");
  other.set_request_id("create-acme-1");
  v1::CreateCustomerResponse response;
  EXPECT_EQ(service_.CreateCustomer(call_, other, response).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(CustomerServiceMySqlTest, DuplicateOrganizationKeyIsAlreadyExistsUntilDeleted) {
  v1::Customer acme = Create("Acme", "acme.example");
  v1::CreateCustomerRequest request;
  request.mutable_customer()->set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
  request.mutable_customer()->set_display_name("Acme again");
  request.mutable_customer()->mutable_organization_key()->set_web_domain("ACME.example");
  v1::CreateCustomerResponse response;
  absl::Status status = service_.CreateCustomer(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(status.message()), HasSubstr("acme.example"));

  v1::DeleteCustomerRequest remove;
  remove.set_name(acme.name());
  remove.set_etag(acme.etag());
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(service_.DeleteCustomer(call_, remove, removed), IsOk());
  EXPECT_TRUE(removed.customer().has_delete_time());
  EXPECT_THAT(service_.CreateCustomer(call_, request, response), IsOk());
}

TEST_F(CustomerServiceMySqlTest, StaleEtagIsAbortedAndChangesNothing) {
  v1::Customer customer = Create("Acme");
  v1::UpdateCustomerRequest update;
  *update.mutable_customer() = customer;
  update.mutable_customer()->set_display_name("Acme Renamed");
  update.mutable_customer()->set_email("new@acme.example");
  update.mutable_update_mask()->add_paths("display_name");
  v1::UpdateCustomerResponse updated;
  ASSERT_THAT(service_.UpdateCustomer(call_, update, updated), IsOk());
  EXPECT_EQ(updated.customer().display_name(), "Acme Renamed");
  EXPECT_EQ(updated.customer().email(), "");  // outside the mask: untouched
  EXPECT_NE(updated.customer().etag(), customer.etag());

  update.mutable_customer()->set_display_name("Lost update");  // still the old etag
  EXPECT_EQ(service_.UpdateCustomer(call_, update, updated).code(), absl::StatusCode::kAborted);
  v1::GetCustomerRequest get;
  get.set_name(customer.name());
  v1::GetCustomerResponse got;
  ASSERT_THAT(service_.GetCustomer(call_, get, got), IsOk());
  EXPECT_EQ(got.customer().display_name(), "Acme Renamed");
}

TEST_F(CustomerServiceMySqlTest, ListPagesWithEveryOrderAndFilterWithoutGapsOrDuplicates) {
  std::vector<std::string> created;
  for (int i = 0; i < 8; ++i) {
    created.push_back(Create(absl::StrCat(i % 2 ? "beta " : "alpha ", 9 - i)).name());
  }
  EXPECT_EQ(ListAllNames("", ""), created);
  std::vector<std::string> reversed(created.rbegin(), created.rend());
  EXPECT_EQ(ListAllNames("create_time desc", ""), reversed);
  std::vector<std::string> by_name = ListAllNames("display_name", "");
  EXPECT_EQ(std::set<std::string>(by_name.begin(), by_name.end()).size(), 8u);
  EXPECT_EQ(by_name.front(), created[6]);  // "alpha 3"
  EXPECT_EQ(ListAllNames("", "display_name : \"beta\"").size(), 4u);
  EXPECT_EQ(ListAllNames("", "display_name = \"alpha*\" AND lifecycle_stage = LEAD").size(), 4u);

  v1::ListCustomersRequest bad;
  bad.set_filter("secret = 1");
  v1::ListCustomersResponse response;
  EXPECT_EQ(service_.ListCustomers(call_, bad, response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CustomerServiceMySqlTest, TransitionsAreCheckedRecordedAndAudited) {
  v1::Customer customer = Create("Acme");
  absl::Status illegal = Transition(customer.name(), v1::LIFECYCLE_STAGE_CHURNED);
  EXPECT_EQ(illegal.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(illegal.message()), HasSubstr("from lifecycle stage LEAD to CHURNED"));
  v1::TransitionLifecycleStageResponse moved;
  ASSERT_THAT(Transition(customer.name(), v1::LIFECYCLE_STAGE_PROSPECT, &moved), IsOk());
  EXPECT_EQ(moved.customer().lifecycle_stage(), v1::LIFECYCLE_STAGE_PROSPECT);
  EXPECT_EQ(moved.transition().actor(), "sales");

  v1::ListLifecycleTransitionsRequest list;
  list.set_parent(customer.name());
  v1::ListLifecycleTransitionsResponse transitions;
  ASSERT_THAT(service_.ListLifecycleTransitions(call_, list, transitions), IsOk());
  ASSERT_EQ(transitions.lifecycle_transitions_size(), 2);
  EXPECT_EQ(transitions.lifecycle_transitions(0).to_stage(), v1::LIFECYCLE_STAGE_PROSPECT);
  EXPECT_EQ(transitions.lifecycle_transitions(1).from_stage(), v1::LIFECYCLE_STAGE_UNSPECIFIED);

  v1::ListAuditEntriesRequest audit_request;
  audit_request.set_resource(customer.name());
  v1::ListAuditEntriesResponse entries;
  ASSERT_THAT(common::ListAuditEntries(pool_, call_, audit_request, entries, {"customers"}), IsOk());
  ASSERT_EQ(entries.audit_entries_size(), 2);
  const auto& state_change = entries.audit_entries(0);
  EXPECT_EQ(state_change.action(), crm::common::v1::AUDIT_ACTION_STATE_CHANGE);
  EXPECT_EQ(state_change.reason(), "qualified by phone");
  bool saw_stage = false;
  for (const auto& change : state_change.field_changes()) {
    if (change.field_path() == "lifecycle_stage") {
      saw_stage = true;
      EXPECT_EQ(change.old_value_json(), "\"LIFECYCLE_STAGE_LEAD\"");
      EXPECT_EQ(change.new_value_json(), "\"LIFECYCLE_STAGE_PROSPECT\"");
    }
  }
  EXPECT_TRUE(saw_stage);
  // The CREATE entry records the whole created customer as one change.
  const auto& created = entries.audit_entries(1);
  EXPECT_EQ(created.action(), crm::common::v1::AUDIT_ACTION_CREATE);
  ASSERT_EQ(created.field_changes_size(), 1);
  EXPECT_EQ(created.field_changes(0).field_path(), "");
  EXPECT_EQ(created.field_changes(0).old_value_json(), "");
  v1::Customer recorded;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(created.field_changes(0).new_value_json(),
                                                          &recorded)
                  .ok());
  EXPECT_EQ(recorded.display_name(), "Acme");
  EXPECT_EQ(recorded.lifecycle_stage(), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_EQ(recorded.name(), "");  // bookkeeping fields are the entry's own
  EXPECT_FALSE(recorded.has_create_time());
}

TEST_F(CustomerServiceMySqlTest, FunnelMatchesAHandComputedDataset) {
  // Two leads enter at t0 and t0+1s; one moves to PROSPECT 100 s after it
  // entered, then to ACTIVE 50 s later.
  const absl::Time t0 = now_;
  v1::Customer a = Create("A");
  Create("B");
  now_ = t0 + absl::Seconds(100);
  ASSERT_THAT(Transition(a.name(), v1::LIFECYCLE_STAGE_PROSPECT), IsOk());
  now_ = t0 + absl::Seconds(150);
  ASSERT_THAT(Transition(a.name(), v1::LIFECYCLE_STAGE_ACTIVE), IsOk());

  v1::GetLifecycleFunnelRequest request;
  request.mutable_start_time()->set_seconds(absl::ToUnixSeconds(t0));
  request.mutable_end_time()->set_seconds(absl::ToUnixSeconds(t0 + absl::Hours(1)));
  v1::GetLifecycleFunnelResponse funnel;
  ASSERT_THAT(service_.GetLifecycleFunnel(call_, request, funnel), IsOk());
  ASSERT_EQ(funnel.stages_size(), 6);
  const auto& lead = funnel.stages(0);
  EXPECT_EQ(lead.stage(), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_EQ(lead.entered_count(), 2);
  EXPECT_EQ(lead.advanced_count(), 1);
  EXPECT_EQ(lead.conversion_basis_points(), 5000);
  EXPECT_EQ(lead.average_time_in_stage().seconds(), 100);
  EXPECT_EQ(lead.current_count(), 1);
  const auto& prospect = funnel.stages(1);
  EXPECT_EQ(prospect.entered_count(), 1);
  EXPECT_EQ(prospect.advanced_count(), 1);
  EXPECT_EQ(prospect.average_time_in_stage().seconds(), 50);
  EXPECT_EQ(funnel.stages(2).current_count(), 1);
}

}  // namespace
}  // namespace crm::customer
