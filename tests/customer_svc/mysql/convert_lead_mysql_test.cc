// CustomerService.ConvertLead with the MySQL repositories: one transaction
// over the lead, the resulting customer, its lifecycle transition and the
// optional opportunity.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_log.h"
#include "crm/customer/v1/audit_service.pb.h"
#include "customer_svc/domain/duplicate_service.h"
#include "customer_svc/repository/mysql_duplicate_repository.h"
#include "tests/customer_svc/mysql/opportunity_test_fixture.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ConvertLeadMySqlTest : public OpportunityMySqlFixture {
 protected:
  v1::Customer CreateFull(const std::string& display_name, const std::string& email,
                          const std::string& phone, const std::string& domain,
                          v1::LifecycleStage stage = v1::LIFECYCLE_STAGE_LEAD) {
    v1::CreateCustomerRequest request;
    v1::Customer& customer = *request.mutable_customer();
    customer.set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
    customer.set_display_name(display_name);
    customer.set_email(email);
    customer.set_phone(phone);
    customer.mutable_organization_key()->set_web_domain(domain);
    customer.set_lifecycle_stage(stage);
    v1::CreateCustomerResponse response;
    absl::Status status = customers_.CreateCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    now_ += absl::Seconds(1);
    return response.customer();
  }

  absl::StatusOr<v1::ConvertLeadResponse> Convert(v1::ConvertLeadRequest request) {
    v1::ConvertLeadResponse response;
    absl::Status status = customers_.ConvertLead(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response;
  }

  v1::Customer Reread(const std::string& name) {
    v1::GetCustomerRequest request;
    request.set_name(name);
    v1::GetCustomerResponse response;
    absl::Status status = customers_.GetCustomer(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    return response.customer();
  }

  std::vector<std::string> Transitions(const std::string& name) {
    v1::ListLifecycleTransitionsRequest request;
    request.set_parent(name);
    v1::ListLifecycleTransitionsResponse response;
    absl::Status status = customers_.ListLifecycleTransitions(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    std::vector<std::string> moves;
    for (const auto& t : response.lifecycle_transitions()) {
      moves.push_back(absl::StrCat(v1::LifecycleStage_Name(t.from_stage()), "->",
                                   v1::LifecycleStage_Name(t.to_stage()), " ", t.reason()));
    }
    return moves;
  }
};

TEST_F(ConvertLeadMySqlTest, PromotesTheLeadAndCreatesTheOpportunityTogether) {
  v1::Customer lead = CreateFull("Jane Roe", "jane@roe.example", "", "roe.example");
  v1::ConvertLeadRequest request;
  request.set_lead(lead.name());
  request.set_etag(lead.etag());
  request.set_target_stage(v1::LIFECYCLE_STAGE_ACTIVE);
  *request.mutable_opportunity() = Draft("First order", "Proposal", 80000);
  const absl::Time converted_at = now_;
  absl::StatusOr<v1::ConvertLeadResponse> converted = Convert(request);
  ASSERT_THAT(converted, IsOk());

  EXPECT_EQ(converted->customer().name(), lead.name());
  EXPECT_EQ(converted->customer().lifecycle_stage(), v1::LIFECYCLE_STAGE_ACTIVE);
  EXPECT_EQ(converted->customer().stage_enter_time().seconds(), absl::ToUnixSeconds(converted_at));
  EXPECT_EQ(converted->customer().email(), "jane@roe.example");
  EXPECT_TRUE(converted->filled_field_paths().empty());
  EXPECT_EQ(Reread(lead.name()).SerializeAsString(), converted->customer().SerializeAsString());
  EXPECT_THAT(Transitions(lead.name()),
              ElementsAre("LIFECYCLE_STAGE_LEAD->LIFECYCLE_STAGE_ACTIVE lead converted",
                          "LIFECYCLE_STAGE_UNSPECIFIED->LIFECYCLE_STAGE_LEAD customer created"));

  ASSERT_TRUE(converted->has_opportunity());
  EXPECT_THAT(converted->opportunity().name(),
              HasSubstr(absl::StrCat(lead.name(), "/opportunities/")));
  EXPECT_EQ(converted->opportunity().probability_percent(), 40);
  EXPECT_EQ(converted->opportunity().weighted_amount().amount_minor(), 32000);
  v1::GetOpportunityRequest get;
  get.set_name(converted->opportunity().name());
  v1::GetOpportunityResponse got;
  ASSERT_THAT(opportunities_.GetOpportunity(call_, get, got), IsOk());
  EXPECT_EQ(got.opportunity().SerializeAsString(), converted->opportunity().SerializeAsString());

  // Both changes are audited.
  v1::ListAuditEntriesRequest audit;
  audit.set_resource(lead.name());
  v1::ListAuditEntriesResponse entries;
  ASSERT_THAT(common::ListAuditEntries(pool_, call_, audit, entries, {"customers"}), IsOk());
  std::vector<crm::common::v1::AuditAction> actions;
  for (const auto& entry : entries.audit_entries()) actions.push_back(entry.action());
  EXPECT_THAT(actions, ElementsAre(crm::common::v1::AUDIT_ACTION_CREATE,
                                   crm::common::v1::AUDIT_ACTION_STATE_CHANGE,
                                   crm::common::v1::AUDIT_ACTION_CREATE));
  EXPECT_EQ(entries.audit_entries(0).resource(), converted->opportunity().name());
}

TEST_F(ConvertLeadMySqlTest, DefaultsToProspectWithoutOpportunity) {
  v1::Customer lead = CreateFull("Lead", "", "", "");
  v1::ConvertLeadRequest request;
  request.set_lead(lead.name());
  absl::StatusOr<v1::ConvertLeadResponse> converted = Convert(request);
  ASSERT_THAT(converted, IsOk());
  EXPECT_EQ(converted->customer().lifecycle_stage(), v1::LIFECYCLE_STAGE_PROSPECT);
  EXPECT_FALSE(converted->has_opportunity());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM opportunities"), 0);
  // A converted lead is no lead any more.
  absl::Status again = Convert(request).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(again.message()), HasSubstr("PROSPECT"));
}

TEST_F(ConvertLeadMySqlTest, IntoAnExistingCustomerFillsOnlyItsEmptyFields) {
  v1::Customer existing =
      CreateFull("Acme GmbH", "sales@acme.example", "", "", v1::LIFECYCLE_STAGE_ACTIVE);
  v1::Customer lead =
      CreateFull("Acme lead from the fair", "jane@acme.example", "+49 30 1234567", "acme.example");
  v1::ConvertLeadRequest request;
  request.set_lead(lead.name());
  request.set_etag(lead.etag());
  request.set_existing_customer(existing.name());
  request.set_target_stage(v1::LIFECYCLE_STAGE_ACTIVE);  // ignored with existing_customer
  *request.mutable_opportunity() = Draft("Cold-chain fleet", "Qualification", 10000);
  absl::StatusOr<v1::ConvertLeadResponse> converted = Convert(request);
  ASSERT_THAT(converted, IsOk());

  EXPECT_THAT(converted->filled_field_paths(), ElementsAre("organization_key.web_domain", "phone"));
  const v1::Customer& customer = converted->customer();
  EXPECT_EQ(customer.name(), existing.name());
  EXPECT_EQ(customer.display_name(), "Acme GmbH");                      // kept
  EXPECT_EQ(customer.email(), "sales@acme.example");                    // kept
  EXPECT_EQ(customer.phone(), "+49301234567");                          // filled
  EXPECT_EQ(customer.organization_key().web_domain(), "acme.example");  // filled
  EXPECT_EQ(customer.lifecycle_stage(), v1::LIFECYCLE_STAGE_ACTIVE);
  EXPECT_EQ(Reread(existing.name()).SerializeAsString(), customer.SerializeAsString());

  v1::Customer tombstone = Reread(lead.name());
  EXPECT_TRUE(tombstone.has_delete_time());
  EXPECT_EQ(tombstone.merged_into(), existing.name());
  EXPECT_THAT(converted->opportunity().name(),
              HasSubstr(absl::StrCat(existing.name(), "/opportunities/")));

  // Nothing left to fill: a second lead changes no field of the customer.
  v1::Customer second = CreateFull("Acme again", "other@acme.example", "+49 30 7654321", "");
  v1::ConvertLeadRequest again;
  again.set_lead(second.name());
  again.set_existing_customer(existing.name());
  absl::StatusOr<v1::ConvertLeadResponse> unchanged = Convert(again);
  ASSERT_THAT(unchanged, IsOk());
  EXPECT_TRUE(unchanged->filled_field_paths().empty());
  EXPECT_EQ(unchanged->customer().SerializeAsString(), customer.SerializeAsString());
}

TEST_F(ConvertLeadMySqlTest, IntoAnExistingCustomerMovesTheLeadsRowsAsAMergeThatCanBeUndone) {
  v1::Customer existing =
      CreateFull("Acme GmbH", "sales@acme.example", "", "", v1::LIFECYCLE_STAGE_ACTIVE);
  v1::Customer lead =
      CreateFull("Acme lead from the fair", "jane@acme.example", "+49 30 1234567", "acme.example");
  const std::string lead_id = lead.name().substr(std::string("customers/").size());
  ASSERT_THAT(test_support::ExecuteSql(
                  pool_, absl::StrCat("INSERT INTO interactions (customer_id, channel, direction, "
                                      "subject, summary, sentiment, occur_time, employee, details, "
                                      "version, create_time, update_time) VALUES (",
                                      lead_id,
                                      ", 1, 1, 'Met at the fair', 'wants a quote', 1, NOW(6), '', "
                                      "'', 1, NOW(6), NOW(6))")),
              IsOk());
  const auto rows_of = [this](const std::string& name) {
    const std::string id = name.substr(std::string("customers/").size());
    return Count(absl::StrCat("SELECT COUNT(*) FROM interactions WHERE customer_id = ", id)) * 100 +
           Count(
               absl::StrCat("SELECT COUNT(*) FROM lifecycle_transitions WHERE customer_id = ", id));
  };
  // interactions * 100 + lifecycle transitions (each has its creation's)
  EXPECT_EQ(rows_of(lead.name()), 101);
  EXPECT_EQ(rows_of(existing.name()), 1);

  v1::ConvertLeadRequest request;
  request.set_lead(lead.name());
  request.set_existing_customer(existing.name());
  request.set_request_id("convert-into-acme");
  absl::StatusOr<v1::ConvertLeadResponse> converted = Convert(request);
  ASSERT_THAT(converted, IsOk());
  EXPECT_EQ(rows_of(lead.name()), 0);
  EXPECT_EQ(rows_of(existing.name()), 102);
  const v1::CustomerMerge& merge = converted->merge();
  EXPECT_THAT(merge.name(), HasSubstr("customerMerges/"));
  EXPECT_EQ(merge.survivor(), existing.name());
  EXPECT_THAT(merge.merged_customers(), ElementsAre(lead.name()));
  int64_t moved_interactions = 0;
  for (const v1::ChildMoveCount& move : merge.moves()) {
    if (move.collection() == "interactions") moved_interactions = move.count();
  }
  EXPECT_EQ(moved_interactions, 1);

  // Undoing the conversion: the lead is a live LEAD again with its rows, the
  // customer loses the fields it was filled with.
  MySqlDuplicateRepository duplicate_repository(pool_);
  DuplicateService duplicates(duplicate_repository, customer_repository_, [this] { return now_; });
  v1::UnmergeCustomersRequest unmerge;
  unmerge.set_merge(merge.name());
  unmerge.set_request_id("undo-convert");
  v1::UnmergeCustomersResponse unmerged;
  ASSERT_THAT(duplicates.UnmergeCustomers(call_, unmerge, unmerged), IsOk());
  v1::Customer restored = Reread(lead.name());
  EXPECT_FALSE(restored.has_delete_time());
  EXPECT_EQ(restored.lifecycle_stage(), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_EQ(restored.organization_key().web_domain(), "acme.example");
  EXPECT_EQ(Reread(existing.name()).phone(), "");
  EXPECT_EQ(rows_of(lead.name()), 101);
  EXPECT_EQ(rows_of(existing.name()), 1);
}

TEST_F(ConvertLeadMySqlTest, AFailureMidwayLeavesEverythingAsItWas) {
  v1::Customer existing = CreateFull("Acme GmbH", "", "", "", v1::LIFECYCLE_STAGE_ACTIVE);
  v1::Customer lead = CreateFull("Lead", "jane@acme.example", "", "acme.example");
  const int64_t audits = Count("SELECT COUNT(*) FROM audit_entries");
  const int64_t transitions = Count("SELECT COUNT(*) FROM lifecycle_transitions");

  // An opportunity that only the transaction can find wrong: the customer
  // changes made before it must roll back.
  for (const std::string& into : {std::string(), existing.name()}) {
    v1::ConvertLeadRequest request;
    request.set_lead(lead.name());
    request.set_existing_customer(into);
    *request.mutable_opportunity() = Draft("Deal", "Proposal", 100);
    request.mutable_opportunity()->set_pipeline_stage("pipelineStages/4242");
    absl::Status unknown_stage = Convert(request).status();
    EXPECT_EQ(unknown_stage.code(), absl::StatusCode::kNotFound) << into;
    EXPECT_THAT(std::string(unknown_stage.message()), HasSubstr("opportunity.pipeline_stage"));
    request.mutable_opportunity()->set_pipeline_stage(stages_.at("Closed Won"));
    EXPECT_EQ(Convert(request).status().code(), absl::StatusCode::kFailedPrecondition) << into;
    request.mutable_opportunity()->set_pipeline_stage(stages_.at("Proposal"));
    request.mutable_opportunity()->clear_title();
    absl::Status invalid = Convert(request).status();
    EXPECT_EQ(invalid.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(invalid.message()), HasSubstr("opportunity.title"));
  }
  EXPECT_EQ(Reread(lead.name()).SerializeAsString(), lead.SerializeAsString());
  EXPECT_EQ(Reread(existing.name()).SerializeAsString(), existing.SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM opportunities"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries"), audits);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM lifecycle_transitions"), transitions);
}

TEST_F(ConvertLeadMySqlTest, ReplayReturnsTheFirstResultAndConvertsNothingAgain) {
  v1::Customer lead = CreateFull("Lead", "", "", "");
  v1::ConvertLeadRequest request;
  request.set_lead(lead.name());
  request.set_etag(lead.etag());
  request.set_request_id("convert-1");
  *request.mutable_opportunity() = Draft("Deal", "Proposal", 100);
  absl::StatusOr<v1::ConvertLeadResponse> first = Convert(request);
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::ConvertLeadResponse> replay = Convert(request);  // stale etag by now
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM opportunities"), 1);
  EXPECT_EQ(Transitions(lead.name()).size(), 2u);
  request.mutable_opportunity()->set_title("Another deal");
  EXPECT_EQ(Convert(request).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(ConvertLeadMySqlTest, RejectsBadRequestsByName) {
  v1::Customer lead = CreateFull("Lead", "", "", "");
  v1::Customer active = CreateFull("Active", "", "", "", v1::LIFECYCLE_STAGE_ACTIVE);
  auto convert = [&](auto change) {
    v1::ConvertLeadRequest request;
    request.set_lead(lead.name());
    change(request);
    return Convert(request).status();
  };
  absl::Status status = convert([](v1::ConvertLeadRequest& r) { r.set_lead("leads/1"); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("lead"));
  status = convert([](v1::ConvertLeadRequest& r) { r.set_lead("customers/999999"); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  status =
      convert([](v1::ConvertLeadRequest& r) { r.set_target_stage(v1::LIFECYCLE_STAGE_CHURNED); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("target_stage"));
  status = convert([](v1::ConvertLeadRequest& r) { r.set_etag("zz"); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  status = convert([&](v1::ConvertLeadRequest& r) { r.set_existing_customer(lead.name()); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("existing_customer"));
  status = convert([](v1::ConvertLeadRequest& r) { r.set_existing_customer("customers/999999"); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  status = convert([](v1::ConvertLeadRequest& r) { r.set_request_id("bad id with spaces"); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  status = convert([&](v1::ConvertLeadRequest& r) { r.set_lead(active.name()); });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);

  v1::DeleteCustomerRequest remove;
  remove.set_name(active.name());
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());
  status = convert([&](v1::ConvertLeadRequest& r) { r.set_existing_customer(active.name()); });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reread(lead.name()).lifecycle_stage(), v1::LIFECYCLE_STAGE_LEAD);
}

}  // namespace
}  // namespace crm::customer
