// The pure pipeline rules (opportunity_rules.h) and ConvertLead's field
// filling (lead_conversion.h), without a database.
#include "customer_svc/domain/opportunity_rules.h"

#include <string>
#include <vector>

#include "customer_svc/domain/lead_conversion.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::customer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::PipelineStage Stage(int64_t id, v1::PipelineStageOutcome outcome, int probability) {
  v1::PipelineStage stage;
  stage.set_name("pipelineStages/" + std::to_string(id));
  stage.set_display_name("Stage " + std::to_string(id));
  stage.set_position(static_cast<int32_t>(id * 10));
  stage.set_probability_percent(probability);
  stage.set_outcome(outcome);
  return stage;
}

v1::Opportunity Valid() {
  v1::Opportunity opportunity;
  opportunity.set_name("customers/1/opportunities/2");
  opportunity.set_title("  Fleet deal  ");
  opportunity.set_pipeline_stage("pipelineStages/1");
  opportunity.set_probability_percent(10);
  opportunity.mutable_amount()->set_amount_minor(100000);
  opportunity.mutable_amount()->set_currency_code("EUR");
  opportunity.mutable_expected_close_date()->set_year(2024);
  opportunity.mutable_expected_close_date()->set_month(2);
  opportunity.mutable_expected_close_date()->set_day(29);
  opportunity.set_state(v1::OPPORTUNITY_STATE_OPEN);
  return opportunity;
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(WeightedAmountTest, RoundsHalfUpPerOpportunity) {
  EXPECT_EQ(WeightedAmountMinor(12345, 40), 4938);
  EXPECT_EQ(WeightedAmountMinor(5, 10), 1);          // 0.5 → 1
  EXPECT_EQ(WeightedAmountMinor(4, 10), 0);          // 0.4 → 0
  EXPECT_EQ(WeightedAmountMinor(99999, 33), 33000);  // 32999.67
  EXPECT_EQ(WeightedAmountMinor(777, 0), 0);
  EXPECT_EQ(WeightedAmountMinor(777, 100), 777);
  EXPECT_EQ(WeightedAmountMinor(9'000'000'000'000'000, 100), 9'000'000'000'000'000);
  v1::Opportunity opportunity = Valid();
  opportunity.set_probability_percent(25);
  SetWeightedAmount(opportunity);
  EXPECT_EQ(opportunity.weighted_amount().amount_minor(), 25000);
  EXPECT_EQ(opportunity.weighted_amount().currency_code(), "EUR");
}

TEST(StageRulesTest, NormalizesAndRejectsByField) {
  v1::PipelineStage stage = Stage(1, v1::PIPELINE_STAGE_OUTCOME_OPEN, 40);
  stage.set_display_name("  Proposal ");
  ASSERT_TRUE(NormalizeStage(stage).ok());
  EXPECT_EQ(stage.display_name(), "Proposal");

  auto error_of = [](auto spoil) {
    v1::PipelineStage stage = Stage(1, v1::PIPELINE_STAGE_OUTCOME_OPEN, 40);
    spoil(stage);
    absl::Status status = NormalizeStage(stage);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    return Message(status);
  };
  EXPECT_THAT(error_of([](v1::PipelineStage& s) { s.set_display_name(""); }),
              HasSubstr("pipeline_stage.display_name"));
  EXPECT_THAT(error_of([](v1::PipelineStage& s) { s.set_position(-3); }),
              HasSubstr("pipeline_stage.position"));
  EXPECT_THAT(error_of([](v1::PipelineStage& s) { s.set_probability_percent(-1); }),
              HasSubstr("pipeline_stage.probability_percent"));
  EXPECT_THAT(error_of([](v1::PipelineStage& s) {
                s.set_outcome(static_cast<v1::PipelineStageOutcome>(9));
              }),
              HasSubstr("pipeline_stage.outcome"));
  EXPECT_THAT(error_of([](v1::PipelineStage& s) { s.set_outcome(v1::PIPELINE_STAGE_OUTCOME_WON); }),
              HasSubstr("WON stage has probability 100"));
  v1::PipelineStage won = Stage(4, v1::PIPELINE_STAGE_OUTCOME_WON, 100);
  EXPECT_TRUE(NormalizeStage(won).ok());
  v1::PipelineStage lost = Stage(5, v1::PIPELINE_STAGE_OUTCOME_LOST, 0);
  EXPECT_TRUE(NormalizeStage(lost).ok());
  EXPECT_TRUE(StageUpdatablePaths().contains("outcome"));
  EXPECT_FALSE(StageUpdatablePaths().contains("etag"));
}

TEST(OpportunityRulesTest, AcceptsAValidOpportunityAndTrimsTheTitle) {
  v1::Opportunity opportunity = Valid();
  opportunity.add_skus("FRIDGE-40");
  opportunity.add_skus("a.b_c/d");
  opportunity.set_owner("employees/12");
  opportunity.set_partner_deal("partners/3/dealRegistrations/4");
  opportunity.set_description("Robert'); DROP TABLE opportunities; -- 冷链");
  ASSERT_TRUE(NormalizeOpportunity(opportunity, "opportunity.").ok());
  EXPECT_EQ(opportunity.title(), "Fleet deal");
}

TEST(OpportunityRulesTest, RejectsEveryBadFieldByName) {
  struct Case {
    std::string field;
    void (*spoil)(v1::Opportunity&);
  };
  const std::vector<Case> cases = {
      {"opportunity.title", [](v1::Opportunity& o) { o.set_title(""); }},
      {"opportunity.title", [](v1::Opportunity& o) { o.set_title(std::string(201, 'x')); }},
      {"opportunity.description",
       [](v1::Opportunity& o) { o.set_description(std::string(20001, 'x')); }},
      {"opportunity.probability_percent",
       [](v1::Opportunity& o) { o.set_probability_percent(-5); }},
      {"opportunity.amount", [](v1::Opportunity& o) { o.clear_amount(); }},
      {"opportunity.amount",
       [](v1::Opportunity& o) { o.mutable_amount()->set_currency_code("eur"); }},
      {"opportunity.amount.amount_minor",
       [](v1::Opportunity& o) { o.mutable_amount()->set_amount_minor(-100); }},
      {"opportunity.expected_close_date",
       [](v1::Opportunity& o) { o.clear_expected_close_date(); }},
      {"opportunity.expected_close_date",
       [](v1::Opportunity& o) { o.mutable_expected_close_date()->set_year(2023); }},  // 2023-02-29
      {"opportunity.owner", [](v1::Opportunity& o) { o.set_owner("employees/0"); }},
      {"opportunity.partner_deal",
       [](v1::Opportunity& o) { o.set_partner_deal("partners/1/deals/2"); }},
      {"opportunity.skus[0]", [](v1::Opportunity& o) { o.add_skus(""); }},
      {"opportunity.skus[0]", [](v1::Opportunity& o) { o.add_skus(std::string(65, 'A')); }},
      {"opportunity.skus[0]", [](v1::Opportunity& o) { o.add_skus("SKU\"1"); }},
      {"opportunity.skus[1]",
       [](v1::Opportunity& o) {
         o.add_skus("X");
         o.add_skus("X");
       }},
      {"opportunity.lost_reason",
       [](v1::Opportunity& o) { o.set_lost_reason(std::string(2001, 'x')); }},
  };
  for (const Case& c : cases) {
    v1::Opportunity opportunity = Valid();
    c.spoil(opportunity);
    absl::Status status = NormalizeOpportunity(opportunity, "opportunity.");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(Message(status), HasSubstr(c.field)) << status;
  }
  v1::Opportunity too_many = Valid();
  for (int i = 0; i <= 100; ++i) too_many.add_skus("SKU-" + std::to_string(i));
  EXPECT_THAT(Message(NormalizeOpportunity(too_many, "opportunity.")),
              HasSubstr("opportunity.skus"));
  // The prefix is the caller's (ConvertLead reports "opportunity." too, others may differ).
  v1::Opportunity untitled = Valid();
  untitled.set_title("");
  EXPECT_THAT(Message(NormalizeOpportunity(untitled, "x.")), HasSubstr("x.title"));
}

TEST(OpportunityRulesTest, UpdateMaskPointsStageChangesAtMove) {
  google::protobuf::FieldMask mask;
  mask.add_paths("title");
  mask.add_paths("amount");
  EXPECT_TRUE(ValidateOpportunityUpdateMask(mask).ok());
  for (const char* path : {"pipeline_stage", "state", "close_time"}) {
    google::protobuf::FieldMask bad;
    bad.add_paths(path);
    absl::Status status = ValidateOpportunityUpdateMask(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(Message(status), HasSubstr("MoveOpportunityStage")) << path;
  }
  for (const char* path : {"weighted_amount", "etag", "name", "create_time", "bogus"}) {
    google::protobuf::FieldMask bad;
    bad.add_paths(path);
    EXPECT_EQ(ValidateOpportunityUpdateMask(bad).code(), absl::StatusCode::kInvalidArgument)
        << path;
  }
  google::protobuf::FieldMask empty;
  EXPECT_EQ(ValidateOpportunityUpdateMask(empty).code(), absl::StatusCode::kInvalidArgument);
}

TEST(MoveRulesTest, LostNeedsAReasonAndOnlyLostTakesOne) {
  const v1::Opportunity open = Valid();
  const v1::PipelineStage lost = Stage(5, v1::PIPELINE_STAGE_OUTCOME_LOST, 0);
  const v1::PipelineStage won = Stage(4, v1::PIPELINE_STAGE_OUTCOME_WON, 100);
  const v1::PipelineStage next = Stage(2, v1::PIPELINE_STAGE_OUTCOME_OPEN, 40);

  for (const char* reason : {"", "  \t "}) {
    absl::Status status = CheckMove(open, lost, reason);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(status), HasSubstr("lost_reason"));
    EXPECT_THAT(Message(status), HasSubstr("pipelineStages/5"));
  }
  EXPECT_TRUE(CheckMove(open, lost, "budget cut").ok());
  EXPECT_TRUE(CheckMove(open, won, "").ok());
  EXPECT_TRUE(CheckMove(open, next, "").ok());
  EXPECT_EQ(CheckMove(open, next, "why").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckMove(open, won, "why").code(), absl::StatusCode::kInvalidArgument);

  v1::PipelineStage deleted = next;
  deleted.mutable_delete_time()->set_seconds(1);
  EXPECT_EQ(CheckMove(open, deleted, "").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MoveRulesTest, ClosedOpportunitiesNeverMove) {
  for (v1::OpportunityState state : {v1::OPPORTUNITY_STATE_WON, v1::OPPORTUNITY_STATE_LOST}) {
    v1::Opportunity closed = Valid();
    closed.set_state(state);
    closed.set_pipeline_stage("pipelineStages/4");
    for (const v1::PipelineStage& target : {Stage(1, v1::PIPELINE_STAGE_OUTCOME_OPEN, 10),
                                            Stage(5, v1::PIPELINE_STAGE_OUTCOME_LOST, 0)}) {
      absl::Status status = CheckMove(closed, target, "reason");
      EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
      EXPECT_THAT(Message(status), HasSubstr("pipelineStages/4"));  // from
      EXPECT_THAT(Message(status), HasSubstr(target.name()));       // to
      EXPECT_THAT(Message(status), HasSubstr(StateName(state)));
    }
  }
}

TEST(MoveRulesTest, ApplyMoveTakesTheStageProbabilityAndClosesOnWonOrLost) {
  google::protobuf::Timestamp now;
  now.set_seconds(1700000000);
  v1::Opportunity opportunity = Valid();
  ApplyMove(opportunity, Stage(3, v1::PIPELINE_STAGE_OUTCOME_OPEN, 70), "", now);
  EXPECT_EQ(opportunity.pipeline_stage(), "pipelineStages/3");
  EXPECT_EQ(opportunity.probability_percent(), 70);
  EXPECT_EQ(opportunity.weighted_amount().amount_minor(), 70000);
  EXPECT_EQ(opportunity.state(), v1::OPPORTUNITY_STATE_OPEN);
  EXPECT_FALSE(opportunity.has_close_time());

  v1::Opportunity lost = opportunity;
  ApplyMove(lost, Stage(5, v1::PIPELINE_STAGE_OUTCOME_LOST, 0), "price", now);
  EXPECT_EQ(lost.state(), v1::OPPORTUNITY_STATE_LOST);
  EXPECT_EQ(lost.lost_reason(), "price");
  EXPECT_EQ(lost.close_time().seconds(), 1700000000);
  EXPECT_EQ(lost.weighted_amount().amount_minor(), 0);

  v1::Opportunity won = opportunity;
  ApplyMove(won, Stage(4, v1::PIPELINE_STAGE_OUTCOME_WON, 100), "", now);
  EXPECT_EQ(won.state(), v1::OPPORTUNITY_STATE_WON);
  EXPECT_EQ(won.weighted_amount().amount_minor(), 100000);
  EXPECT_TRUE(won.has_close_time());
}

TEST(OpportunityFilterTest, ResolvesFieldsDatesAndSkus) {
  absl::StatusOr<std::vector<OpportunityCondition>> conditions = ParseOpportunityFilter(
      "state = OPEN AND pipeline_stage = pipelineStages/3 AND owner = \"employees/7\" AND "
      "expected_close_date >= 2026-01-01 AND skus : \"SKU-1\"");
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  ASSERT_EQ(conditions->size(), 5u);
  EXPECT_EQ((*conditions)[0].column, OpportunityColumn::kState);
  EXPECT_EQ(std::get<int64_t>((*conditions)[0].value), v1::OPPORTUNITY_STATE_OPEN);
  EXPECT_EQ(std::get<int64_t>((*conditions)[1].value), 3);
  EXPECT_EQ(std::get<std::string>((*conditions)[2].value), "employees/7");
  EXPECT_EQ((*conditions)[3].match, common::Match::kGreaterOrEqual);
  EXPECT_EQ(std::get<std::string>((*conditions)[3].value), "2026-01-01");
  EXPECT_EQ((*conditions)[4].column, OpportunityColumn::kSku);
  EXPECT_EQ(std::get<std::string>((*conditions)[4].value), "SKU-1");

  EXPECT_THAT(Message(ParseOpportunityFilter("amount > 5").status()), HasSubstr("amount"));
  EXPECT_THAT(Message(ParseOpportunityFilter("expected_close_date < 2026-02-30").status()),
              HasSubstr("YYYY-MM-DD"));
  EXPECT_EQ(ParseOpportunityFilter("expected_close_date : 2026").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseOpportunityFilter("skus > A").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseOpportunityFilter("state = MAYBE").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParseOpportunityFilter("")->empty());
}

TEST(OpportunityOrderTest, AcceptsTheDocumentedOrders) {
  OpportunityOrder order;
  bool descending = true;
  ASSERT_TRUE(ParseOpportunityOrder("", order, descending).ok());
  EXPECT_EQ(order, OpportunityOrder::kCreateTime);
  EXPECT_FALSE(descending);
  ASSERT_TRUE(ParseOpportunityOrder("amount.amount_minor desc", order, descending).ok());
  EXPECT_EQ(order, OpportunityOrder::kAmount);
  EXPECT_TRUE(descending);
  ASSERT_TRUE(ParseOpportunityOrder("expected_close_date", order, descending).ok());
  EXPECT_EQ(order, OpportunityOrder::kExpectedCloseDate);
  EXPECT_THAT(Message(ParseOpportunityOrder("title", order, descending)), HasSubstr("order_by"));
  EXPECT_FALSE(ParseOpportunityOrder("create_time sideways", order, descending).ok());
}

TEST(LeadConversionTest, TargetStageIsProspectOrActive) {
  EXPECT_EQ(*ConversionTargetStage(v1::LIFECYCLE_STAGE_UNSPECIFIED), v1::LIFECYCLE_STAGE_PROSPECT);
  EXPECT_EQ(*ConversionTargetStage(v1::LIFECYCLE_STAGE_ACTIVE), v1::LIFECYCLE_STAGE_ACTIVE);
  for (v1::LifecycleStage stage : {v1::LIFECYCLE_STAGE_LEAD, v1::LIFECYCLE_STAGE_CHURNED,
                                   static_cast<v1::LifecycleStage>(77)}) {
    absl::Status status = ConversionTargetStage(stage).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(status), HasSubstr("target_stage"));
  }
}

TEST(LeadConversionTest, FillsOnlyEmptyFields) {
  v1::Customer customer;
  customer.set_name("customers/1");
  customer.set_kind(v1::CUSTOMER_KIND_ORGANIZATION);
  customer.set_display_name("Acme GmbH");
  customer.set_email("sales@acme.example");
  customer.set_tier(v1::TIER_GOLD);
  v1::Customer lead;
  lead.set_name("customers/2");
  lead.set_kind(v1::CUSTOMER_KIND_PERSON);
  lead.set_display_name("Acme lead");
  lead.set_email("jane@acme.example");
  lead.set_phone("+4930123456");
  lead.mutable_organization_key()->set_web_domain("acme.example");
  lead.mutable_needs()->add_tags("cold-chain");
  lead.set_tier(v1::TIER_STANDARD);
  lead.set_parent("customers/1");  // the customer itself: never its own parent

  const v1::Customer before = customer;
  std::vector<std::string> filled = FillEmptyFields(lead, customer);
  EXPECT_THAT(filled, ElementsAre("organization_key.web_domain", "phone", "needs"));
  EXPECT_EQ(customer.kind(), v1::CUSTOMER_KIND_ORGANIZATION);
  EXPECT_EQ(customer.display_name(), "Acme GmbH");
  EXPECT_EQ(customer.email(), "sales@acme.example");
  EXPECT_EQ(customer.tier(), v1::TIER_GOLD);
  EXPECT_EQ(customer.phone(), "+4930123456");
  EXPECT_EQ(customer.organization_key().web_domain(), "acme.example");
  EXPECT_THAT(customer.needs().tags(), ElementsAre("cold-chain"));
  EXPECT_TRUE(customer.parent().empty());
  // Nothing left to fill the second time.
  EXPECT_THAT(FillEmptyFields(lead, customer), IsEmpty());
  EXPECT_THAT(FillEmptyFields(v1::Customer(), customer), IsEmpty());
  EXPECT_NE(before.SerializeAsString(), customer.SerializeAsString());
}

}  // namespace
}  // namespace crm::customer
