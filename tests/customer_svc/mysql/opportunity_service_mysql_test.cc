// OpportunityService with the MySQL repository against a fresh TestDatabase
// schema carrying customer_svc's migrations (the default pipeline included).
#include <functional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_log.h"
#include "crm/customer/v1/audit_service.pb.h"
#include "tests/customer_svc/mysql/opportunity_test_fixture.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class OpportunityServiceMySqlTest : public OpportunityMySqlFixture {
 protected:
  absl::StatusOr<v1::PipelineStage> CreateStage(
      const std::string& display_name, int position, int probability,
      v1::PipelineStageOutcome outcome = v1::PIPELINE_STAGE_OUTCOME_OPEN,
      const std::string& request_id = "") {
    v1::CreatePipelineStageRequest request;
    request.mutable_pipeline_stage()->set_display_name(display_name);
    request.mutable_pipeline_stage()->set_position(position);
    request.mutable_pipeline_stage()->set_probability_percent(probability);
    request.mutable_pipeline_stage()->set_outcome(outcome);
    request.set_request_id(request_id);
    v1::CreatePipelineStageResponse response;
    absl::Status status = opportunities_.CreatePipelineStage(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.pipeline_stage();
  }

  std::vector<v1::PipelineStage> AllStages(bool show_deleted = false, int page_size = 2) {
    std::vector<v1::PipelineStage> stages;
    std::string token;
    do {
      v1::ListPipelineStagesRequest request;
      request.set_page_size(page_size);
      request.set_page_token(token);
      request.set_show_deleted(show_deleted);
      v1::ListPipelineStagesResponse response;
      absl::Status status = opportunities_.ListPipelineStages(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      for (const auto& stage : response.pipeline_stages()) stages.push_back(stage);
      token = response.next_page_token();
    } while (!token.empty());
    return stages;
  }

  std::vector<std::string> ListTitles(const std::string& parent, const std::string& filter,
                                      const std::string& order_by = "", bool show_deleted = false) {
    std::vector<std::string> titles;
    std::string token;
    do {
      v1::ListOpportunitiesRequest request;
      request.set_parent(parent);
      request.set_page_size(2);
      request.set_page_token(token);
      request.set_filter(filter);
      request.set_order_by(order_by);
      request.set_show_deleted(show_deleted);
      v1::ListOpportunitiesResponse response;
      absl::Status status = opportunities_.ListOpportunities(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) break;
      for (const auto& opportunity : response.opportunities()) {
        titles.push_back(opportunity.title());
      }
      token = response.next_page_token();
    } while (!token.empty());
    return titles;
  }

  absl::StatusOr<v1::Opportunity> Update(const v1::Opportunity& patch,
                                         std::vector<std::string> paths) {
    v1::UpdateOpportunityRequest request;
    *request.mutable_opportunity() = patch;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::UpdateOpportunityResponse response;
    absl::Status status = opportunities_.UpdateOpportunity(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.opportunity();
  }

  absl::StatusOr<v1::Opportunity> Get(const std::string& name) {
    v1::GetOpportunityRequest request;
    request.set_name(name);
    v1::GetOpportunityResponse response;
    absl::Status status = opportunities_.GetOpportunity(call_, request, response);
    if (!status.ok()) return status;
    return response.opportunity();
  }
};

TEST_F(OpportunityServiceMySqlTest, DefaultPipelineIsSeededInPositionOrder) {
  std::vector<v1::PipelineStage> stages = AllStages();
  std::vector<std::string> names;
  std::vector<int> probabilities;
  std::vector<v1::PipelineStageOutcome> outcomes;
  for (const auto& stage : stages) {
    names.push_back(stage.display_name());
    probabilities.push_back(stage.probability_percent());
    outcomes.push_back(stage.outcome());
    EXPECT_FALSE(stage.etag().empty());
  }
  EXPECT_THAT(names,
              ElementsAre("Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost"));
  EXPECT_THAT(probabilities, ElementsAre(10, 40, 70, 100, 0));
  EXPECT_THAT(outcomes,
              ElementsAre(v1::PIPELINE_STAGE_OUTCOME_OPEN, v1::PIPELINE_STAGE_OUTCOME_OPEN,
                          v1::PIPELINE_STAGE_OUTCOME_OPEN, v1::PIPELINE_STAGE_OUTCOME_WON,
                          v1::PIPELINE_STAGE_OUTCOME_LOST));
}

TEST_F(OpportunityServiceMySqlTest, StageCreateReplayUniquenessAndPaging) {
  absl::StatusOr<v1::PipelineStage> discovery =
      CreateStage("Discovery", 15, 20, v1::PIPELINE_STAGE_OUTCOME_OPEN, "stage-1");
  ASSERT_THAT(discovery, IsOk());
  absl::StatusOr<v1::PipelineStage> replay =
      CreateStage("Discovery", 15, 20, v1::PIPELINE_STAGE_OUTCOME_OPEN, "stage-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), discovery->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pipeline_stages"), 6);
  EXPECT_EQ(
      CreateStage("Other", 16, 20, v1::PIPELINE_STAGE_OUTCOME_OPEN, "stage-1").status().code(),
      absl::StatusCode::kAlreadyExists);

  absl::Status same_name = CreateStage("Proposal", 99, 50).status();
  EXPECT_EQ(same_name.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(same_name.message()), HasSubstr("pipeline_stage.display_name"));
  absl::Status same_position = CreateStage("Demo", 20, 50).status();
  EXPECT_EQ(same_position.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(same_position.message()), HasSubstr("pipeline_stage.position"));

  v1::GetPipelineStageRequest get;
  get.set_name(discovery->name());
  v1::GetPipelineStageResponse got;
  ASSERT_THAT(opportunities_.GetPipelineStage(call_, get, got), IsOk());
  EXPECT_EQ(got.pipeline_stage().SerializeAsString(), discovery->SerializeAsString());
  get.set_name("pipelineStages/999");
  EXPECT_EQ(opportunities_.GetPipelineStage(call_, get, got).code(), absl::StatusCode::kNotFound);

  std::vector<std::string> names;
  for (const auto& stage : AllStages(false, 2)) names.push_back(stage.display_name());
  EXPECT_THAT(names, ElementsAre("Qualification", "Discovery", "Proposal", "Negotiation",
                                 "Closed Won", "Closed Lost"));
  v1::ListPipelineStagesRequest bad;
  bad.set_page_token("garbage");
  v1::ListPipelineStagesResponse ignored;
  EXPECT_EQ(opportunities_.ListPipelineStages(call_, bad, ignored).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(OpportunityServiceMySqlTest, StageValidationNamesTheField) {
  struct Case {
    std::string name;
    int position;
    int probability;
    v1::PipelineStageOutcome outcome;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"  ", 60, 10, v1::PIPELINE_STAGE_OUTCOME_OPEN, "pipeline_stage.display_name"},
      {std::string(101, 'x'), 60, 10, v1::PIPELINE_STAGE_OUTCOME_OPEN,
       "pipeline_stage.display_name"},
      {"A", 0, 10, v1::PIPELINE_STAGE_OUTCOME_OPEN, "pipeline_stage.position"},
      {"A", 60, 101, v1::PIPELINE_STAGE_OUTCOME_OPEN, "pipeline_stage.probability_percent"},
      {"A", 60, 10, v1::PIPELINE_STAGE_OUTCOME_UNSPECIFIED, "pipeline_stage.outcome"},
      {"A", 60, 90, v1::PIPELINE_STAGE_OUTCOME_WON, "pipeline_stage.probability_percent"},
      {"A", 60, 5, v1::PIPELINE_STAGE_OUTCOME_LOST, "pipeline_stage.probability_percent"},
  };
  for (const Case& c : cases) {
    absl::Status status = CreateStage(c.name, c.position, c.probability, c.outcome).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field));
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pipeline_stages"), 5);
}

TEST_F(OpportunityServiceMySqlTest, StageUpdateDeleteUndelete) {
  absl::StatusOr<v1::PipelineStage> demo = CreateStage("Demo", 25, 30);
  ASSERT_THAT(demo, IsOk());

  v1::UpdatePipelineStageRequest update;
  *update.mutable_pipeline_stage() = *demo;
  update.mutable_pipeline_stage()->set_probability_percent(35);
  update.mutable_pipeline_stage()->set_display_name("Ignored because outside the mask");
  update.mutable_update_mask()->add_paths("probability_percent");
  v1::UpdatePipelineStageResponse updated;
  ASSERT_THAT(opportunities_.UpdatePipelineStage(call_, update, updated), IsOk());
  EXPECT_EQ(updated.pipeline_stage().probability_percent(), 35);
  EXPECT_EQ(updated.pipeline_stage().display_name(), "Demo");
  EXPECT_NE(updated.pipeline_stage().etag(), demo->etag());

  // The old etag is stale now.
  EXPECT_EQ(opportunities_.UpdatePipelineStage(call_, update, updated).code(),
            absl::StatusCode::kAborted);
  update.mutable_pipeline_stage()->set_etag(updated.pipeline_stage().etag());
  update.mutable_update_mask()->set_paths(0, "etag");
  EXPECT_EQ(opportunities_.UpdatePipelineStage(call_, update, updated).code(),
            absl::StatusCode::kInvalidArgument);
  update.mutable_update_mask()->set_paths(0, "position");
  update.mutable_pipeline_stage()->set_position(30);  // Negotiation's
  EXPECT_EQ(opportunities_.UpdatePipelineStage(call_, update, updated).code(),
            absl::StatusCode::kAlreadyExists);

  v1::DeletePipelineStageRequest remove;
  remove.set_name(demo->name());
  remove.set_etag(demo->etag());
  v1::DeletePipelineStageResponse removed;
  EXPECT_EQ(opportunities_.DeletePipelineStage(call_, remove, removed).code(),
            absl::StatusCode::kAborted);
  remove.set_etag(updated.pipeline_stage().etag());
  ASSERT_THAT(opportunities_.DeletePipelineStage(call_, remove, removed), IsOk());
  EXPECT_TRUE(removed.pipeline_stage().has_delete_time());
  EXPECT_EQ(AllStages().size(), 5u);
  EXPECT_EQ(AllStages(/*show_deleted=*/true).size(), 6u);
  // Its name and position are free again while it is deleted.
  absl::StatusOr<v1::PipelineStage> again = CreateStage("Demo", 25, 30);
  ASSERT_THAT(again, IsOk());

  v1::UndeletePipelineStageRequest restore;
  restore.set_name(demo->name());
  restore.set_etag(removed.pipeline_stage().etag());
  v1::UndeletePipelineStageResponse restored;
  EXPECT_EQ(opportunities_.UndeletePipelineStage(call_, restore, restored).code(),
            absl::StatusCode::kAlreadyExists);
  v1::DeletePipelineStageRequest remove_again;
  remove_again.set_name(again->name());
  ASSERT_THAT(opportunities_.DeletePipelineStage(call_, remove_again, removed), IsOk());
  ASSERT_THAT(opportunities_.UndeletePipelineStage(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.pipeline_stage().has_delete_time());
  EXPECT_EQ(opportunities_.UndeletePipelineStage(call_, restore, restored).code(),
            absl::StatusCode::kFailedPrecondition);

  // The audit log has the stage's whole history.
  v1::ListAuditEntriesRequest audit;
  audit.set_resource(demo->name());
  v1::ListAuditEntriesResponse entries;
  ASSERT_THAT(common::ListAuditEntries(pool_, call_, audit, entries, {"pipelineStages"}), IsOk());
  std::vector<crm::common::v1::AuditAction> actions;
  for (const auto& entry : entries.audit_entries()) actions.push_back(entry.action());
  EXPECT_THAT(
      actions,
      ElementsAre(crm::common::v1::AUDIT_ACTION_UNDELETE, crm::common::v1::AUDIT_ACTION_DELETE,
                  crm::common::v1::AUDIT_ACTION_UPDATE, crm::common::v1::AUDIT_ACTION_CREATE));
}

TEST_F(OpportunityServiceMySqlTest, StageInUseCannotBeDeletedOrChangeOutcome) {
  v1::Customer acme = CreateCustomer("Acme");
  absl::StatusOr<v1::Opportunity> deal = Create(acme, Draft("Deal", "Proposal", 1000));
  ASSERT_THAT(deal, IsOk());
  v1::DeletePipelineStageRequest remove;
  remove.set_name(stages_.at("Proposal"));
  v1::DeletePipelineStageResponse removed;
  absl::Status status = opportunities_.DeletePipelineStage(call_, remove, removed);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("1 open opportunities"));

  v1::GetPipelineStageRequest get;
  get.set_name(stages_.at("Proposal"));
  v1::GetPipelineStageResponse proposal;
  ASSERT_THAT(opportunities_.GetPipelineStage(call_, get, proposal), IsOk());
  v1::UpdatePipelineStageRequest update;
  *update.mutable_pipeline_stage() = proposal.pipeline_stage();
  update.mutable_pipeline_stage()->set_outcome(v1::PIPELINE_STAGE_OUTCOME_LOST);
  update.mutable_pipeline_stage()->set_probability_percent(0);
  update.mutable_update_mask()->add_paths("outcome");
  update.mutable_update_mask()->add_paths("probability_percent");
  v1::UpdatePipelineStageResponse updated;
  EXPECT_EQ(opportunities_.UpdatePipelineStage(call_, update, updated).code(),
            absl::StatusCode::kFailedPrecondition);

  // Updating the stage's probability leaves the open opportunity's own.
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("probability_percent");
  update.mutable_pipeline_stage()->set_probability_percent(45);
  ASSERT_THAT(opportunities_.UpdatePipelineStage(call_, update, updated), IsOk());
  EXPECT_EQ(Get(deal->name())->probability_percent(), 40);

  ASSERT_THAT(Move(*deal, "Closed Won"), IsOk());
  ASSERT_THAT(opportunities_.DeletePipelineStage(call_, remove, removed), IsOk());
}

TEST_F(OpportunityServiceMySqlTest, DeletedOpportunityKeepsItsStageConsistent) {
  absl::StatusOr<v1::PipelineStage> demo = CreateStage("Demo", 25, 30);
  ASSERT_THAT(demo, IsOk());
  stages_["Demo"] = demo->name();
  v1::Customer acme = CreateCustomer("Acme");
  absl::StatusOr<v1::Opportunity> deal = Create(acme, Draft("Deal", "Demo", 1000));
  ASSERT_THAT(deal, IsOk());
  v1::DeleteOpportunityRequest remove;
  remove.set_name(deal->name());
  v1::DeleteOpportunityResponse removed;
  ASSERT_THAT(opportunities_.DeleteOpportunity(call_, remove, removed), IsOk());

  // A deleted opportunity may come back, so the stage's outcome stays fixed...
  v1::UpdatePipelineStageRequest update;
  *update.mutable_pipeline_stage() = *demo;
  update.mutable_pipeline_stage()->set_outcome(v1::PIPELINE_STAGE_OUTCOME_WON);
  update.mutable_pipeline_stage()->set_probability_percent(100);
  update.mutable_update_mask()->add_paths("outcome");
  update.mutable_update_mask()->add_paths("probability_percent");
  v1::UpdatePipelineStageResponse updated;
  EXPECT_EQ(opportunities_.UpdatePipelineStage(call_, update, updated).code(),
            absl::StatusCode::kFailedPrecondition);
  // ...but the stage itself can go, and then the open opportunity waits for it.
  v1::DeletePipelineStageRequest remove_stage;
  remove_stage.set_name(demo->name());
  v1::DeletePipelineStageResponse removed_stage;
  ASSERT_THAT(opportunities_.DeletePipelineStage(call_, remove_stage, removed_stage), IsOk());
  v1::UndeleteOpportunityRequest restore;
  restore.set_name(deal->name());
  v1::UndeleteOpportunityResponse restored;
  absl::Status waiting = opportunities_.UndeleteOpportunity(call_, restore, restored);
  EXPECT_EQ(waiting.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(waiting.message()), HasSubstr(demo->name()));
  EXPECT_EQ(Create(acme, Draft("New", "Demo", 1)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::UndeletePipelineStageRequest restore_stage;
  restore_stage.set_name(demo->name());
  v1::UndeletePipelineStageResponse restored_stage;
  ASSERT_THAT(opportunities_.UndeletePipelineStage(call_, restore_stage, restored_stage), IsOk());
  ASSERT_THAT(opportunities_.UndeleteOpportunity(call_, restore, restored), IsOk());
  EXPECT_EQ(restored.opportunity().pipeline_stage(), demo->name());
}

TEST_F(OpportunityServiceMySqlTest, CreateDefaultsProbabilityAndComputesWeightedAmount) {
  v1::Customer acme = CreateCustomer("Acme");
  v1::Opportunity draft = Draft("Cold-chain fleet", "Proposal", 12345);
  draft.set_owner("employees/7");
  draft.add_skus("FRIDGE-40");
  draft.add_skus("SENSOR.v2");
  draft.set_partner_deal("partners/3/dealRegistrations/9");
  absl::StatusOr<v1::Opportunity> created = Create(acme, draft, "opp-1");
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->name(), HasSubstr(absl::StrCat(acme.name(), "/opportunities/")));
  EXPECT_EQ(created->probability_percent(), 40);
  EXPECT_EQ(created->weighted_amount().amount_minor(), 4938);  // 12345 × 0.40 = 4938.0
  EXPECT_EQ(created->weighted_amount().currency_code(), "EUR");
  EXPECT_EQ(created->state(), v1::OPPORTUNITY_STATE_OPEN);
  EXPECT_THAT(created->skus(), ElementsAre("FRIDGE-40", "SENSOR.v2"));
  EXPECT_EQ(created->partner_deal(), "partners/3/dealRegistrations/9");
  EXPECT_FALSE(created->has_close_time());
  absl::StatusOr<v1::Opportunity> got = Get(created->name());
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->SerializeAsString(), created->SerializeAsString());

  // Replay returns the first result and creates nothing; another body is refused.
  absl::StatusOr<v1::Opportunity> replay = Create(acme, draft, "opp-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), created->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM opportunities"), 1);
  draft.set_title("Something else");
  EXPECT_EQ(Create(acme, draft, "opp-1").status().code(), absl::StatusCode::kAlreadyExists);

  // An explicit probability is kept.
  v1::Opportunity explicit_probability = Draft("Explicit", "Qualification", 999);
  explicit_probability.set_probability_percent(55);
  absl::StatusOr<v1::Opportunity> kept = Create(acme, explicit_probability);
  ASSERT_THAT(kept, IsOk());
  EXPECT_EQ(kept->probability_percent(), 55);
  EXPECT_EQ(kept->weighted_amount().amount_minor(), 549);  // 549.45 rounds down

  // The wrong customer in the name is NOT_FOUND, not somebody else's opportunity.
  v1::Customer other = CreateCustomer("Other");
  const std::string id = created->name().substr(created->name().rfind('/') + 1);
  EXPECT_EQ(Get(absl::StrCat(other.name(), "/opportunities/", id)).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OpportunityServiceMySqlTest, CreateChecksCustomerAndStage) {
  v1::Customer acme = CreateCustomer("Acme");
  v1::Customer ghost;
  ghost.set_name("customers/99999");
  absl::Status missing = Create(ghost, Draft("X", "Proposal", 1)).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("customers/99999"));

  v1::Opportunity in_won = Draft("X", "Closed Won", 1);
  absl::Status won = Create(acme, in_won).status();
  EXPECT_EQ(won.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(won.message()), HasSubstr("OPEN"));

  v1::Opportunity unknown_stage = Draft("X", "Proposal", 1);
  unknown_stage.set_pipeline_stage("pipelineStages/4242");
  absl::Status unknown = Create(acme, unknown_stage).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("opportunity.pipeline_stage"));

  v1::DeleteCustomerRequest remove;
  remove.set_name(acme.name());
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());
  EXPECT_EQ(Create(acme, Draft("X", "Proposal", 1)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM opportunities"), 0);
}

TEST_F(OpportunityServiceMySqlTest, CreateValidationNamesTheField) {
  v1::Customer acme = CreateCustomer("Acme");
  struct Case {
    std::string field;
    std::function<void(v1::Opportunity&)> spoil;
  };
  const std::vector<Case> cases = {
      {"opportunity.title", [](v1::Opportunity& o) { o.set_title(" "); }},
      {"opportunity.title", [](v1::Opportunity& o) { o.set_title(std::string(201, 'a')); }},
      {"opportunity.description",
       [](v1::Opportunity& o) { o.set_description(std::string(20001, 'a')); }},
      {"opportunity.description", [](v1::Opportunity& o) { o.set_description("bad \xff utf8"); }},
      {"opportunity.pipeline_stage", [](v1::Opportunity& o) { o.clear_pipeline_stage(); }},
      {"opportunity.pipeline_stage", [](v1::Opportunity& o) { o.set_pipeline_stage("stages/1"); }},
      {"opportunity.probability_percent",
       [](v1::Opportunity& o) { o.set_probability_percent(101); }},
      {"opportunity.amount", [](v1::Opportunity& o) { o.clear_amount(); }},
      {"opportunity.amount",
       [](v1::Opportunity& o) { o.mutable_amount()->set_currency_code("XXQ"); }},
      {"opportunity.amount.amount_minor",
       [](v1::Opportunity& o) { o.mutable_amount()->set_amount_minor(-1); }},
      {"opportunity.expected_close_date",
       [](v1::Opportunity& o) { o.clear_expected_close_date(); }},
      {"opportunity.expected_close_date",
       [](v1::Opportunity& o) {
         o.mutable_expected_close_date()->set_month(2);
         o.mutable_expected_close_date()->set_day(30);
       }},
      {"opportunity.owner", [](v1::Opportunity& o) { o.set_owner("bob"); }},
      {"opportunity.partner_deal", [](v1::Opportunity& o) { o.set_partner_deal("partners/1"); }},
      {"opportunity.skus[0]", [](v1::Opportunity& o) { o.add_skus("has space"); }},
      {"opportunity.skus[1]",
       [](v1::Opportunity& o) {
         o.add_skus("A");
         o.add_skus("A");
       }},
      {"opportunity.lost_reason", [](v1::Opportunity& o) { o.set_lost_reason("too early"); }},
  };
  for (const Case& c : cases) {
    v1::Opportunity draft = Draft("Deal", "Proposal", 100);
    c.spoil(draft);
    absl::Status status = Create(acme, draft).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field << ": " << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field));
  }
  v1::CreateOpportunityRequest bad_parent;
  bad_parent.set_parent("accounts/1");
  v1::CreateOpportunityResponse ignored;
  absl::Status parent = opportunities_.CreateOpportunity(call_, bad_parent, ignored);
  EXPECT_EQ(parent.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(parent.message()), HasSubstr("parent"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM opportunities"), 0);
}

TEST_F(OpportunityServiceMySqlTest, StoresHostileAndLargeTextVerbatim) {
  v1::Customer acme = CreateCustomer("Acme");
  const std::string sql = "Robert'); DROP TABLE opportunities; --";
  const std::string unicode = "Kühlkette 冷链 🚚 \"quoted\" \\ back";
  std::string large;
  while (large.size() < 10 * 1024) large += "10 KB of description, ü€ ";
  v1::Opportunity draft = Draft(sql, "Proposal", 100);
  draft.set_description(large);
  absl::StatusOr<v1::Opportunity> first = Create(acme, draft);
  ASSERT_THAT(first, IsOk());
  draft.set_title(unicode);
  absl::StatusOr<v1::Opportunity> second = Create(acme, draft);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(Get(first->name())->title(), sql);
  EXPECT_EQ(Get(first->name())->description(), large);
  EXPECT_EQ(Get(second->name())->title(), unicode);
  absl::StatusOr<v1::Opportunity> lost = Move(*second, "Closed Lost", sql + unicode);
  ASSERT_THAT(lost, IsOk());
  EXPECT_EQ(Get(second->name())->lost_reason(), sql + unicode);
}

TEST_F(OpportunityServiceMySqlTest, UpdateChangesOnlyMaskedFields) {
  v1::Customer acme = CreateCustomer("Acme");
  v1::Opportunity draft = Draft("Deal", "Proposal", 10000);
  draft.set_description("original");
  absl::StatusOr<v1::Opportunity> created = Create(acme, draft);
  ASSERT_THAT(created, IsOk());

  v1::Opportunity patch = *created;
  patch.set_title("Bigger deal");
  patch.set_description("should stay unchanged");
  patch.mutable_amount()->set_amount_minor(25001);
  absl::StatusOr<v1::Opportunity> updated = Update(patch, {"title", "amount"});
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->title(), "Bigger deal");
  EXPECT_EQ(updated->description(), "original");
  EXPECT_EQ(updated->amount().amount_minor(), 25001);
  EXPECT_EQ(updated->weighted_amount().amount_minor(), 10000);  // 10000.4 rounds down
  patch = *updated;
  patch.set_probability_percent(41);
  updated = Update(patch, {"probability_percent"});
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->weighted_amount().amount_minor(), 10250);  // 10250.41

  // The stale etag of `created` is ABORTED and changes nothing.
  v1::Opportunity stale = *created;
  stale.set_title("Stale");
  EXPECT_EQ(Update(stale, {"title"}).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(created->name())->title(), "Bigger deal");

  patch = *updated;
  absl::Status stage = Update(patch, {"pipeline_stage"}).status();
  EXPECT_EQ(stage.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(stage.message()), HasSubstr("MoveOpportunityStage"));
  EXPECT_EQ(Update(patch, {"weighted_amount"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Update(patch, {"no_such_field"}).status().code(), absl::StatusCode::kInvalidArgument);
  patch.set_lost_reason("not lost");
  absl::Status reason = Update(patch, {"lost_reason"}).status();
  EXPECT_EQ(reason.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(reason.message()), HasSubstr("opportunity.lost_reason"));
  patch.clear_lost_reason();
  patch.set_title("");
  absl::Status title = Update(patch, {"title"}).status();
  EXPECT_THAT(std::string(title.message()), HasSubstr("opportunity.title"));
  v1::Opportunity ghost = patch;
  ghost.set_name(absl::StrCat(acme.name(), "/opportunities/777777"));
  ghost.clear_etag();
  ghost.set_title("x");
  EXPECT_EQ(Update(ghost, {"title"}).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(OpportunityServiceMySqlTest, MoveFollowsThePipelineRules) {
  v1::Customer acme = CreateCustomer("Acme");
  absl::StatusOr<v1::Opportunity> deal = Create(acme, Draft("Deal", "Qualification", 20000));
  ASSERT_THAT(deal, IsOk());
  absl::StatusOr<v1::Opportunity> negotiating = Move(*deal, "Negotiation");
  ASSERT_THAT(negotiating, IsOk());
  EXPECT_EQ(negotiating->pipeline_stage(), stages_.at("Negotiation"));
  EXPECT_EQ(negotiating->probability_percent(), 70);
  EXPECT_EQ(negotiating->weighted_amount().amount_minor(), 14000);
  EXPECT_EQ(negotiating->state(), v1::OPPORTUNITY_STATE_OPEN);

  // Stale etag, unknown stage, reason for a non-LOST stage, LOST without reason.
  EXPECT_EQ(Move(*deal, "Proposal").status().code(), absl::StatusCode::kAborted);
  v1::MoveOpportunityStageRequest unknown;
  unknown.set_name(negotiating->name());
  unknown.set_pipeline_stage("pipelineStages/4242");
  v1::MoveOpportunityStageResponse ignored;
  EXPECT_EQ(opportunities_.MoveOpportunityStage(call_, unknown, ignored).code(),
            absl::StatusCode::kNotFound);
  absl::Status reason_for_open = Move(*negotiating, "Proposal", "why").status();
  EXPECT_EQ(reason_for_open.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(reason_for_open.message()), HasSubstr("lost_reason"));
  absl::Status no_reason = Move(*negotiating, "Closed Lost").status();
  EXPECT_EQ(no_reason.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_reason.message()), HasSubstr("lost_reason"));
  EXPECT_EQ(Move(*negotiating, "Closed Lost", "   ").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(deal->name())->state(), v1::OPPORTUNITY_STATE_OPEN);

  absl::StatusOr<v1::Opportunity> lost = Move(*negotiating, "Closed Lost", "went with a rival");
  ASSERT_THAT(lost, IsOk());
  EXPECT_EQ(lost->state(), v1::OPPORTUNITY_STATE_LOST);
  EXPECT_EQ(lost->lost_reason(), "went with a rival");
  EXPECT_EQ(lost->probability_percent(), 0);
  EXPECT_EQ(lost->weighted_amount().amount_minor(), 0);
  EXPECT_TRUE(lost->has_close_time());

  // Closed stays closed: no move to an open or a won stage.
  absl::Status reopen = Move(*lost, "Proposal").status();
  EXPECT_EQ(reopen.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(reopen.message()), HasSubstr(stages_.at("Closed Lost")));
  EXPECT_THAT(std::string(reopen.message()), HasSubstr(stages_.at("Proposal")));
  EXPECT_EQ(Move(*lost, "Closed Won").status().code(), absl::StatusCode::kFailedPrecondition);
  // A LOST opportunity's reason can be corrected but not removed.
  v1::Opportunity patch = *lost;
  patch.set_lost_reason("");
  EXPECT_EQ(Update(patch, {"lost_reason"}).status().code(), absl::StatusCode::kInvalidArgument);
  patch.set_lost_reason("price");
  ASSERT_THAT(Update(patch, {"lost_reason"}), IsOk());

  absl::StatusOr<v1::Opportunity> other = Create(acme, Draft("Other", "Proposal", 300));
  ASSERT_THAT(other, IsOk());
  absl::StatusOr<v1::Opportunity> won = Move(*other, "Closed Won");
  ASSERT_THAT(won, IsOk());
  EXPECT_EQ(won->state(), v1::OPPORTUNITY_STATE_WON);
  EXPECT_EQ(won->weighted_amount().amount_minor(), 300);
  EXPECT_EQ(Move(*won, "Negotiation").status().code(), absl::StatusCode::kFailedPrecondition);

  v1::ListAuditEntriesRequest audit;
  audit.set_resource(lost->name());
  v1::ListAuditEntriesResponse entries;
  ASSERT_THAT(common::ListAuditEntries(pool_, call_, audit, entries, {"customers"}), IsOk());
  ASSERT_GE(entries.audit_entries_size(), 3);
  EXPECT_EQ(entries.audit_entries(1).action(), crm::common::v1::AUDIT_ACTION_STATE_CHANGE);
  EXPECT_EQ(entries.audit_entries(1).reason(), "went with a rival");
}

TEST_F(OpportunityServiceMySqlTest, DeleteHidesAndUndeleteRestores) {
  v1::Customer acme = CreateCustomer("Acme");
  absl::StatusOr<v1::Opportunity> deal = Create(acme, Draft("Deal", "Proposal", 1));
  ASSERT_THAT(deal, IsOk());
  v1::DeleteOpportunityRequest remove;
  remove.set_name(deal->name());
  remove.set_etag("zz");
  v1::DeleteOpportunityResponse removed;
  EXPECT_EQ(opportunities_.DeleteOpportunity(call_, remove, removed).code(),
            absl::StatusCode::kAborted);
  remove.set_etag(deal->etag());
  ASSERT_THAT(opportunities_.DeleteOpportunity(call_, remove, removed), IsOk());
  EXPECT_TRUE(removed.opportunity().has_delete_time());
  EXPECT_TRUE(ListTitles(acme.name(), "").empty());
  EXPECT_THAT(ListTitles(acme.name(), "", "", /*show_deleted=*/true), ElementsAre("Deal"));
  EXPECT_EQ(Move(removed.opportunity(), "Negotiation").status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::UndeleteOpportunityRequest restore;
  restore.set_name(deal->name());
  restore.set_etag(removed.opportunity().etag());
  v1::UndeleteOpportunityResponse restored;
  ASSERT_THAT(opportunities_.UndeleteOpportunity(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.opportunity().has_delete_time());
  EXPECT_THAT(ListTitles(acme.name(), ""), ElementsAre("Deal"));
  EXPECT_EQ(opportunities_.UndeleteOpportunity(call_, restore, restored).code(),
            absl::StatusCode::kFailedPrecondition);
  restore.set_name(absl::StrCat(acme.name(), "/opportunities/999999"));
  EXPECT_EQ(opportunities_.UndeleteOpportunity(call_, restore, restored).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OpportunityServiceMySqlTest, ListPagesFiltersAndOrders) {
  v1::Customer acme = CreateCustomer("Acme");
  v1::Customer beta = CreateCustomer("Beta");
  const std::vector<std::tuple<std::string, v1::Customer, int64_t, int, std::string>> rows = {
      {"a", acme, 500, 5, "employees/1"}, {"b", acme, 100, 1, "employees/2"},
      {"c", beta, 300, 3, "employees/1"}, {"d", acme, 400, 4, ""},
      {"e", beta, 200, 2, "employees/1"},
  };
  for (const auto& [title, customer, amount, month, owner] : rows) {
    v1::Opportunity draft = Draft(title, "Proposal", amount);
    draft.mutable_expected_close_date()->set_month(month);
    draft.mutable_expected_close_date()->set_day(15);
    draft.set_owner(owner);
    if (title == "a" || title == "c") draft.add_skus("SKU-1");
    ASSERT_THAT(Create(customer, draft), IsOk());
  }
  EXPECT_THAT(ListTitles("customers/-", ""), ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_THAT(ListTitles(acme.name(), ""), ElementsAre("a", "b", "d"));
  EXPECT_THAT(ListTitles("customers/-", "", "amount.amount_minor desc"),
              ElementsAre("a", "d", "c", "e", "b"));
  EXPECT_THAT(ListTitles("customers/-", "", "expected_close_date"),
              ElementsAre("b", "e", "c", "d", "a"));
  EXPECT_THAT(ListTitles("customers/-", "", "create_time desc"),
              ElementsAre("e", "d", "c", "b", "a"));
  EXPECT_THAT(ListTitles("customers/-", "owner = \"employees/1\""), ElementsAre("a", "c", "e"));
  EXPECT_THAT(ListTitles("customers/-", "skus : \"SKU-1\""), ElementsAre("a", "c"));
  EXPECT_THAT(ListTitles("customers/-",
                         "expected_close_date >= 2026-03-01 AND "
                         "expected_close_date < 2026-05-01"),
              ElementsAre("c", "d"));
  EXPECT_THAT(
      ListTitles("customers/-", "state = OPEN AND pipeline_stage = " + stages_.at("Proposal")),
      ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_TRUE(ListTitles("customers/-", "state = WON").empty());

  v1::ListOpportunitiesRequest request;
  request.set_parent("customers/-");
  request.set_filter("colour = red");
  v1::ListOpportunitiesResponse response;
  absl::Status unknown = opportunities_.ListOpportunities(call_, request, response);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("colour"));
  request.set_filter("expected_close_date > 2026-02-30");
  EXPECT_EQ(opportunities_.ListOpportunities(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_filter("");
  request.set_order_by("title");
  EXPECT_EQ(opportunities_.ListOpportunities(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_order_by("");
  request.set_page_size(2);
  ASSERT_THAT(opportunities_.ListOpportunities(call_, request, response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  v1::ListOpportunitiesRequest other_query = request;
  other_query.set_page_token(response.next_page_token());
  other_query.set_parent(acme.name());
  EXPECT_EQ(opportunities_.ListOpportunities(call_, other_query, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_parent("customers/424242");
  EXPECT_EQ(opportunities_.ListOpportunities(call_, request, response).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OpportunityServiceMySqlTest, ForecastMatchesAHandComputedDataset) {
  v1::Customer acme = CreateCustomer("Acme");
  auto make = [&](const std::string& title, const std::string& stage, int64_t amount,
                  const std::string& currency, int probability, int month, int day,
                  const std::string& owner) {
    v1::Opportunity draft = Draft(title, stage, amount, currency);
    draft.set_probability_percent(probability);
    draft.mutable_expected_close_date()->set_month(month);
    draft.mutable_expected_close_date()->set_day(day);
    draft.set_owner(owner);
    absl::StatusOr<v1::Opportunity> created = Create(acme, draft);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.value_or(v1::Opportunity());
  };
  // weighted = amount × probability / 100, rounded half up, per opportunity.
  make("o1", "Qualification", 100000, "EUR", 0, 1, 15, "employees/1");  // 10% → 10000
  make("o2", "Proposal", 250050, "EUR", 0, 1, 31, "employees/2");       // 40% → 100020
  make("o3", "Proposal", 99999, "USD", 33, 2, 10, "employees/1");       // 32999.67 → 33000
  make("o4", "Negotiation", 50000, "EUR", 0, 2, 28, "employees/1");     // 70% → 35000
  make("o7", "Qualification", 5, "EUR", 0, 3, 1, "employees/2");        // 0.5 → 1
  // Neither won nor deleted opportunities count.
  v1::Opportunity won = make("o5", "Negotiation", 777777, "EUR", 0, 1, 20, "employees/1");
  ASSERT_THAT(Move(won, "Closed Won"), IsOk());
  v1::Opportunity gone = make("o6", "Proposal", 10000, "EUR", 0, 1, 20, "employees/1");
  v1::DeleteOpportunityRequest remove;
  remove.set_name(gone.name());
  v1::DeleteOpportunityResponse removed;
  ASSERT_THAT(opportunities_.DeleteOpportunity(call_, remove, removed), IsOk());

  auto describe = [](const v1::GetForecastResponse& forecast) {
    std::vector<std::string> lines;
    for (const auto& b : forecast.buckets()) {
      std::string group = b.pipeline_stage() + b.owner();
      if (b.has_close_month()) {
        group = absl::StrCat(b.close_month().year(), "-", b.close_month().month(), "-",
                             b.close_month().day());
      }
      lines.push_back(absl::StrCat(group, " ", b.amount().currency_code(),
                                   " n=", b.opportunity_count(), " ", b.amount().amount_minor(),
                                   "/", b.weighted_amount().amount_minor()));
    }
    for (int i = 0; i < forecast.total_amounts_size(); ++i) {
      lines.push_back(absl::StrCat("total ", forecast.total_amounts(i).currency_code(), " ",
                                   forecast.total_amounts(i).amount_minor(), "/",
                                   forecast.total_weighted_amounts(i).amount_minor()));
    }
    return lines;
  };

  v1::GetForecastRequest request;
  v1::GetForecastResponse by_stage;
  ASSERT_THAT(opportunities_.GetForecast(call_, request, by_stage), IsOk());
  const std::string q = stages_.at("Qualification"), p = stages_.at("Proposal"),
                    n = stages_.at("Negotiation");
  EXPECT_THAT(describe(by_stage),
              ElementsAre(q + " EUR n=2 100005/10001", p + " EUR n=1 250050/100020",
                          p + " USD n=1 99999/33000", n + " EUR n=1 50000/35000",
                          "total EUR 400055/145021", "total USD 99999/33000"));

  request.set_group_by(v1::FORECAST_GROUPING_CLOSE_MONTH);
  request.mutable_close_date_start()->set_year(2026);
  request.mutable_close_date_start()->set_month(1);
  request.mutable_close_date_start()->set_day(1);
  request.mutable_close_date_end()->set_year(2026);
  request.mutable_close_date_end()->set_month(2);
  request.mutable_close_date_end()->set_day(28);
  v1::GetForecastResponse by_month;
  ASSERT_THAT(opportunities_.GetForecast(call_, request, by_month), IsOk());
  EXPECT_THAT(describe(by_month),
              ElementsAre("2026-1-1 EUR n=2 350050/110020", "2026-2-1 EUR n=1 50000/35000",
                          "2026-2-1 USD n=1 99999/33000", "total EUR 400050/145020",
                          "total USD 99999/33000"));

  v1::GetForecastRequest owners;
  owners.set_group_by(v1::FORECAST_GROUPING_OWNER);
  v1::GetForecastResponse by_owner;
  ASSERT_THAT(opportunities_.GetForecast(call_, owners, by_owner), IsOk());
  EXPECT_THAT(describe(by_owner),
              ElementsAre("employees/1 EUR n=2 150000/45000", "employees/1 USD n=1 99999/33000",
                          "employees/2 EUR n=2 250055/100021", "total EUR 400055/145021",
                          "total USD 99999/33000"));

  v1::GetForecastRequest filtered;
  filtered.set_filter("owner = \"employees/2\"");
  v1::GetForecastResponse for_owner;
  ASSERT_THAT(opportunities_.GetForecast(call_, filtered, for_owner), IsOk());
  EXPECT_THAT(describe(for_owner), ElementsAre(q + " EUR n=1 5/1", p + " EUR n=1 250050/100020",
                                               "total EUR 250055/100021"));

  // Bad requests name the field.
  v1::GetForecastRequest reversed = request;
  reversed.mutable_close_date_end()->set_month(1);
  reversed.mutable_close_date_start()->set_month(2);
  v1::GetForecastResponse ignored;
  absl::Status status = opportunities_.GetForecast(call_, reversed, ignored);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("close_date_end"));
  reversed = request;
  reversed.mutable_close_date_start()->set_day(32);
  status = opportunities_.GetForecast(call_, reversed, ignored);
  EXPECT_THAT(std::string(status.message()), HasSubstr("close_date_start"));
  reversed = request;
  reversed.set_group_by(static_cast<v1::ForecastGrouping>(42));
  status = opportunities_.GetForecast(call_, reversed, ignored);
  EXPECT_THAT(std::string(status.message()), HasSubstr("group_by"));
}

}  // namespace
}  // namespace crm::customer
