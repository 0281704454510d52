// WinBackService with the MySQL repository against a fresh TestDatabase
// schema carrying customer_svc's migrations; customers are made through
// CustomerService.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "customer_svc/domain/win_back_service.h"
#include "customer_svc/repository/mysql_win_back_repository.h"
#include "tests/customer_svc/mysql/customer_db_test.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

class WinBackMySqlTest : public CustomerDbTest {
 protected:
  WinBackMySqlTest()
      : CustomerDbTest("retention", absl::FromUnixSeconds(1700000000), absl::Seconds(30)),
        repository_(pool_),
        service_(repository_, [this] { return now_; }) {}

  // A customer moved through the legal path to `stage`, with an account manager.
  std::string Customer(const std::string& display_name, v1::LifecycleStage stage,
                       const std::string& account_manager = "employees/5") {
    const std::string name = CreateCustomer(display_name).name();
    std::vector<v1::LifecycleStage> path;
    if (stage != v1::LIFECYCLE_STAGE_LEAD) path.push_back(v1::LIFECYCLE_STAGE_ACTIVE);
    if (stage == v1::LIFECYCLE_STAGE_AT_RISK) path.push_back(v1::LIFECYCLE_STAGE_AT_RISK);
    if (stage == v1::LIFECYCLE_STAGE_CHURNED) path.push_back(v1::LIFECYCLE_STAGE_CHURNED);
    for (v1::LifecycleStage to : path) TransitionCustomer(name, to, "test setup");
    SetAccountManager(name, account_manager);
    now_ += absl::Seconds(1);
    return name;
  }

  v1::LifecycleStage StageOf(const std::string& customer) {
    v1::GetCustomerRequest get;
    get.set_name(customer);
    v1::GetCustomerResponse got;
    EXPECT_THAT(customers_.GetCustomer(call_, get, got), IsOk());
    return got.customer().lifecycle_stage();
  }

  static v1::WinBackCampaign Draft(const std::string& display_name) {
    v1::WinBackCampaign campaign;
    campaign.set_display_name(display_name);
    campaign.set_description("Bring them back");
    campaign.set_offer("3 months at GOLD pricing");
    campaign.mutable_start_date()->set_year(2024);
    campaign.mutable_start_date()->set_month(1);
    campaign.mutable_start_date()->set_day(15);
    campaign.mutable_end_date()->set_year(2024);
    campaign.mutable_end_date()->set_month(3);
    campaign.mutable_end_date()->set_day(31);
    return campaign;
  }

  absl::Status Create(const v1::WinBackCampaign& campaign, v1::WinBackCampaign* out,
                      const std::string& request_id = "") {
    v1::CreateWinBackCampaignRequest request;
    *request.mutable_win_back_campaign() = campaign;
    request.set_request_id(request_id);
    v1::CreateWinBackCampaignResponse response;
    absl::Status status = service_.CreateWinBackCampaign(call_, request, response);
    if (out != nullptr) *out = response.win_back_campaign();
    now_ += absl::Seconds(1);
    return status;
  }

  v1::WinBackCampaign MustCreate(const v1::WinBackCampaign& campaign) {
    v1::WinBackCampaign created;
    EXPECT_THAT(Create(campaign, &created), IsOk());
    return created;
  }

  absl::StatusOr<v1::WinBackCampaign> Launch(const v1::WinBackCampaign& campaign,
                                             const std::string& request_id = "") {
    v1::LaunchWinBackCampaignRequest request;
    request.set_name(campaign.name());
    request.set_etag(campaign.etag());
    request.set_request_id(request_id);
    v1::LaunchWinBackCampaignResponse response;
    absl::Status status = service_.LaunchWinBackCampaign(call_, request, response);
    if (!status.ok()) return status;
    return response.win_back_campaign();
  }

  std::vector<v1::WinBackAttempt> Attempts(const std::string& campaign,
                                           const std::string& filter = "",
                                           const std::string& order_by = "") {
    std::vector<v1::WinBackAttempt> all;
    std::string token;
    do {
      v1::ListWinBackAttemptsRequest request;
      request.set_parent(campaign);
      request.set_page_size(2);
      request.set_filter(filter);
      request.set_order_by(order_by);
      request.set_page_token(token);
      v1::ListWinBackAttemptsResponse response;
      absl::Status status = service_.ListWinBackAttempts(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      for (const v1::WinBackAttempt& attempt : response.win_back_attempts()) all.push_back(attempt);
      token = response.next_page_token();
    } while (!token.empty());
    return all;
  }

  absl::StatusOr<v1::WinBackAttempt> SetAttempt(const v1::WinBackAttempt& attempt,
                                                std::vector<std::string> paths) {
    v1::UpdateWinBackAttemptRequest request;
    *request.mutable_win_back_attempt() = attempt;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::UpdateWinBackAttemptResponse response;
    now_ += absl::Seconds(1);
    absl::Status status = service_.UpdateWinBackAttempt(call_, request, response);
    if (!status.ok()) return status;
    return response.win_back_attempt();
  }

  std::vector<std::string> ListNames(const std::string& order_by, const std::string& filter,
                                     bool show_deleted = false) {
    std::vector<std::string> names;
    std::string token;
    do {
      v1::ListWinBackCampaignsRequest request;
      request.set_page_size(2);
      request.set_order_by(order_by);
      request.set_filter(filter);
      request.set_show_deleted(show_deleted);
      request.set_page_token(token);
      v1::ListWinBackCampaignsResponse response;
      absl::Status status = service_.ListWinBackCampaigns(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      for (const auto& campaign : response.win_back_campaigns()) names.push_back(campaign.name());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  }

  MySqlWinBackRepository repository_;
  WinBackService service_;
};

TEST_F(WinBackMySqlTest, CreateStoresEveryFieldVerbatimInDraftAndAudits) {
  v1::WinBackCampaign draft = Draft("Robert'); DROP TABLE win_back_campaigns; -- «Zurück» 🎯");
  const std::string long_text(10 * 1024, 'x');
  draft.set_description(absl::StrCat("Grüße ", long_text, " 終"));
  draft.add_target_stages(v1::LIFECYCLE_STAGE_CHURNED);
  draft.set_target_filter("tier = GOLD");
  draft.set_state(v1::WIN_BACK_CAMPAIGN_STATE_COMPLETED);  // output only: ignored
  v1::WinBackCampaign created = MustCreate(draft);
  EXPECT_EQ(created.name(), "winBackCampaigns/1");
  EXPECT_EQ(created.state(), v1::WIN_BACK_CAMPAIGN_STATE_DRAFT);
  EXPECT_FALSE(created.etag().empty());
  EXPECT_EQ(created.create_time().seconds(), 1700000000);

  v1::GetWinBackCampaignRequest get;
  get.set_name(created.name());
  v1::GetWinBackCampaignResponse got;
  ASSERT_THAT(service_.GetWinBackCampaign(call_, get, got), IsOk());
  EXPECT_EQ(got.win_back_campaign().SerializeAsString(), created.SerializeAsString());
  EXPECT_EQ(got.win_back_campaign().display_name(), draft.display_name());
  EXPECT_EQ(got.win_back_campaign().description(), draft.description());
  EXPECT_THAT(got.win_back_campaign().target_stages(), ElementsAre(v1::LIFECYCLE_STAGE_CHURNED));
  EXPECT_EQ(got.win_back_campaign().start_date().day(), 15);
  EXPECT_EQ(got.win_back_campaign().end_date().month(), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE resource = 'winBackCampaigns/1' "
                  "AND action = 1"),
            1);

  get.set_name("winBackCampaigns/999");
  EXPECT_EQ(service_.GetWinBackCampaign(call_, get, got).code(), absl::StatusCode::kNotFound);
  get.set_name("customers/1");
  absl::Status bad = service_.GetWinBackCampaign(call_, get, got);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad), HasSubstr("name"));
}

TEST_F(WinBackMySqlTest, CreateRejectsInvalidFieldsNamingThem) {
  struct Case {
    std::function<void(v1::WinBackCampaign&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](v1::WinBackCampaign& c) { c.set_display_name(""); }, "win_back_campaign.display_name"},
      {[](v1::WinBackCampaign& c) { c.set_display_name(std::string(201, 'a')); },
       "win_back_campaign.display_name"},
      {[](v1::WinBackCampaign& c) { c.set_description(std::string(20001, 'd')); },
       "win_back_campaign.description"},
      {[](v1::WinBackCampaign& c) { c.set_offer("bad \xff utf8"); }, "win_back_campaign.offer"},
      {[](v1::WinBackCampaign& c) { c.add_target_stages(v1::LIFECYCLE_STAGE_ACTIVE); },
       "win_back_campaign.target_stages[0]"},
      {[](v1::WinBackCampaign& c) {
         c.add_target_stages(v1::LIFECYCLE_STAGE_CHURNED);
         c.add_target_stages(v1::LIFECYCLE_STAGE_CHURNED);
       },
       "win_back_campaign.target_stages[1]"},
      {[](v1::WinBackCampaign& c) { c.set_target_filter("secret = 1"); },
       "win_back_campaign.target_filter"},
      {[](v1::WinBackCampaign& c) { c.clear_start_date(); }, "win_back_campaign.start_date"},
      {[](v1::WinBackCampaign& c) { c.mutable_end_date()->set_day(32); },
       "win_back_campaign.end_date"},
      {[](v1::WinBackCampaign& c) { c.mutable_end_date()->set_year(2023); },
       "win_back_campaign.end_date"},
  };
  for (const Case& test : cases) {
    v1::WinBackCampaign campaign = Draft("Campaign");
    test.change(campaign);
    absl::Status status = Create(campaign, nullptr);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << test.field;
    EXPECT_THAT(Message(status), HasSubstr(test.field + ":"));
  }
  v1::CreateWinBackCampaignRequest bad_id;
  *bad_id.mutable_win_back_campaign() = Draft("Campaign");
  bad_id.set_request_id("not valid!");
  v1::CreateWinBackCampaignResponse response;
  EXPECT_THAT(Message(service_.CreateWinBackCampaign(call_, bad_id, response)),
              HasSubstr("request_id"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM win_back_campaigns"), 0);
}

TEST_F(WinBackMySqlTest, CreateReplayReturnsTheFirstResultAndCreatesOneRow) {
  v1::WinBackCampaign first;
  ASSERT_THAT(Create(Draft("Spring"), &first, "create-spring"), IsOk());
  v1::WinBackCampaign replay;
  ASSERT_THAT(Create(Draft("Spring"), &replay, "create-spring"), IsOk());
  EXPECT_EQ(replay.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM win_back_campaigns"), 1);
  EXPECT_EQ(Create(Draft("Autumn"), nullptr, "create-spring").code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(WinBackMySqlTest, UpdateChangesMaskedFieldsOnlyAndChecksEtagAndPaths) {
  v1::WinBackCampaign created = MustCreate(Draft("Spring"));
  v1::UpdateWinBackCampaignRequest update;
  *update.mutable_win_back_campaign() = created;
  update.mutable_win_back_campaign()->set_display_name("Spring 2024");
  update.mutable_win_back_campaign()->set_offer("changed but not masked");
  update.mutable_update_mask()->add_paths("display_name");
  v1::UpdateWinBackCampaignResponse updated;
  ASSERT_THAT(service_.UpdateWinBackCampaign(call_, update, updated), IsOk());
  EXPECT_EQ(updated.win_back_campaign().display_name(), "Spring 2024");
  EXPECT_EQ(updated.win_back_campaign().offer(), "3 months at GOLD pricing");
  EXPECT_NE(updated.win_back_campaign().etag(), created.etag());

  update.mutable_win_back_campaign()->set_display_name("Lost update");  // stale etag
  EXPECT_EQ(service_.UpdateWinBackCampaign(call_, update, updated).code(),
            absl::StatusCode::kAborted);

  v1::UpdateWinBackCampaignRequest bad = update;
  bad.mutable_win_back_campaign()->clear_etag();
  bad.mutable_update_mask()->clear_paths();
  bad.mutable_update_mask()->add_paths("state");
  absl::Status immutable = service_.UpdateWinBackCampaign(call_, bad, updated);
  EXPECT_EQ(immutable.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(immutable), HasSubstr("state"));
  bad.mutable_update_mask()->set_paths(0, "no_such_field");
  EXPECT_EQ(service_.UpdateWinBackCampaign(call_, bad, updated).code(),
            absl::StatusCode::kInvalidArgument);
  bad.mutable_update_mask()->set_paths(0, "display_name");
  bad.mutable_win_back_campaign()->set_display_name("");
  EXPECT_THAT(Message(service_.UpdateWinBackCampaign(call_, bad, updated)),
              HasSubstr("win_back_campaign.display_name"));

  // Targets are frozen once launched.
  absl::StatusOr<v1::WinBackCampaign> launched = Launch(created);
  ASSERT_EQ(launched.status().code(), absl::StatusCode::kAborted);  // old etag
  v1::GetWinBackCampaignRequest get;
  get.set_name(created.name());
  v1::GetWinBackCampaignResponse current;
  ASSERT_THAT(service_.GetWinBackCampaign(call_, get, current), IsOk());
  launched = Launch(current.win_back_campaign());
  ASSERT_THAT(launched, IsOk());
  v1::UpdateWinBackCampaignRequest targets;
  *targets.mutable_win_back_campaign() = *launched;
  targets.mutable_win_back_campaign()->set_target_filter("tier = GOLD");
  targets.mutable_update_mask()->add_paths("target_filter");
  absl::Status frozen = service_.UpdateWinBackCampaign(call_, targets, updated);
  EXPECT_EQ(frozen.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(frozen), HasSubstr("only change while DRAFT"));
  targets.mutable_update_mask()->set_paths(0, "offer");
  targets.mutable_win_back_campaign()->set_offer("Better offer");
  ASSERT_THAT(service_.UpdateWinBackCampaign(call_, targets, updated), IsOk());
  EXPECT_EQ(updated.win_back_campaign().offer(), "Better offer");
}

TEST_F(WinBackMySqlTest, DeleteIsSoftHiddenFromListAndUndeleteRestores) {
  v1::WinBackCampaign kept = MustCreate(Draft("Kept"));
  v1::WinBackCampaign gone = MustCreate(Draft("Gone"));
  v1::DeleteWinBackCampaignRequest remove;
  remove.set_name(gone.name());
  remove.set_etag("zz");
  v1::DeleteWinBackCampaignResponse removed;
  EXPECT_EQ(service_.DeleteWinBackCampaign(call_, remove, removed).code(),
            absl::StatusCode::kAborted);
  remove.set_etag(gone.etag());
  ASSERT_THAT(service_.DeleteWinBackCampaign(call_, remove, removed), IsOk());
  EXPECT_TRUE(removed.win_back_campaign().has_delete_time());
  EXPECT_THAT(ListNames("", ""), ElementsAre(kept.name()));
  EXPECT_THAT(ListNames("", "", true), ElementsAre(gone.name(), kept.name()));
  EXPECT_EQ(service_.DeleteWinBackCampaign(call_, remove, removed).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Launch(removed.win_back_campaign()).status().code(),
            absl::StatusCode::kFailedPrecondition);

  v1::UndeleteWinBackCampaignRequest restore;
  restore.set_name(kept.name());
  v1::UndeleteWinBackCampaignResponse restored;
  EXPECT_EQ(service_.UndeleteWinBackCampaign(call_, restore, restored).code(),
            absl::StatusCode::kFailedPrecondition);
  restore.set_name(gone.name());
  restore.set_etag(gone.etag());  // stale: the delete moved it on
  EXPECT_EQ(service_.UndeleteWinBackCampaign(call_, restore, restored).code(),
            absl::StatusCode::kAborted);
  restore.set_etag(removed.win_back_campaign().etag());
  ASSERT_THAT(service_.UndeleteWinBackCampaign(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.win_back_campaign().has_delete_time());
  EXPECT_THAT(ListNames("create_time", ""), ElementsAre(kept.name(), gone.name()));
  restore.set_name("winBackCampaigns/77");
  EXPECT_EQ(service_.UndeleteWinBackCampaign(call_, restore, restored).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(WinBackMySqlTest, ListPagesByEveryOrderWithFiltersAndRejectsForeignTokens) {
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    v1::WinBackCampaign draft = Draft(absl::StrCat("Campaign ", i));
    draft.mutable_start_date()->set_day(20 - i);  // later campaigns start earlier
    names.push_back(MustCreate(draft).name());
  }
  EXPECT_THAT(ListNames("", ""), ElementsAre(names[4], names[3], names[2], names[1], names[0]));
  EXPECT_THAT(ListNames("create_time", ""),
              ElementsAre(names[0], names[1], names[2], names[3], names[4]));
  EXPECT_THAT(ListNames("start_date", ""),
              ElementsAre(names[4], names[3], names[2], names[1], names[0]));
  EXPECT_THAT(ListNames("start_date desc", "start_date >= \"2024-01-18T00:00:00Z\""),
              ElementsAre(names[0], names[1], names[2]));
  EXPECT_EQ(ListNames("", "state = DRAFT").size(), 5u);
  EXPECT_TRUE(ListNames("", "state = ACTIVE").empty());
  EXPECT_THAT(ListNames("", "display_name : \"ign 3\""), ElementsAre(names[3]));

  v1::ListWinBackCampaignsRequest request;
  request.set_page_size(2);
  v1::ListWinBackCampaignsResponse page;
  ASSERT_THAT(service_.ListWinBackCampaigns(call_, request, page), IsOk());
  ASSERT_FALSE(page.next_page_token().empty());
  request.set_page_token(page.next_page_token());
  request.set_filter("state = DRAFT");
  EXPECT_EQ(service_.ListWinBackCampaigns(call_, request, page).code(),
            absl::StatusCode::kInvalidArgument);
  request.clear_page_token();
  request.set_order_by("offer");
  EXPECT_THAT(Message(service_.ListWinBackCampaigns(call_, request, page)), HasSubstr("order_by"));
  request.clear_order_by();
  request.set_filter("offer = x");
  EXPECT_EQ(service_.ListWinBackCampaigns(call_, request, page).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(WinBackMySqlTest, LaunchTargetsLiveChurnedAndAtRiskCustomersOnceEach) {
  const std::string churned = Customer("Churned Co", v1::LIFECYCLE_STAGE_CHURNED, "employees/5");
  const std::string at_risk = Customer("At Risk Co", v1::LIFECYCLE_STAGE_AT_RISK, "employees/6");
  Customer("Active Co", v1::LIFECYCLE_STAGE_ACTIVE);
  const std::string deleted = Customer("Deleted Co", v1::LIFECYCLE_STAGE_CHURNED);
  v1::DeleteCustomerRequest remove;
  remove.set_name(deleted);
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());

  v1::WinBackCampaign campaign = MustCreate(Draft("All lapsed"));
  absl::StatusOr<v1::WinBackCampaign> launched = Launch(campaign, "launch-1");
  ASSERT_THAT(launched, IsOk());
  EXPECT_EQ(launched->state(), v1::WIN_BACK_CAMPAIGN_STATE_ACTIVE);
  ASSERT_EQ(launched->attempt_counts_size(), 1);
  EXPECT_EQ(launched->attempt_counts(0).state(), v1::WIN_BACK_ATTEMPT_STATE_PENDING);
  EXPECT_EQ(launched->attempt_counts(0).count(), 2);
  std::vector<v1::WinBackAttempt> attempts = Attempts(campaign.name());
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].customer(), churned);
  EXPECT_EQ(attempts[0].assignee(), "employees/5");
  EXPECT_EQ(attempts[0].state(), v1::WIN_BACK_ATTEMPT_STATE_PENDING);
  EXPECT_EQ(attempts[1].customer(), at_risk);
  EXPECT_EQ(attempts[1].assignee(), "employees/6");

  // A replay returns the first result and launches nothing again.
  absl::StatusOr<v1::WinBackCampaign> replay = Launch(campaign, "launch-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), launched->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM win_back_attempts"), 2);
  absl::Status again = Launch(*launched).status();
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(again), HasSubstr("from ACTIVE to ACTIVE"));
}

TEST_F(WinBackMySqlTest, LaunchHonoursTargetStagesAndTargetFilter) {
  const std::string gold = Customer("Gold Churned", v1::LIFECYCLE_STAGE_CHURNED);
  Customer("Plain Churned", v1::LIFECYCLE_STAGE_CHURNED);
  const std::string gold_at_risk = Customer("Gold At Risk", v1::LIFECYCLE_STAGE_AT_RISK);
  ASSERT_THAT(test_support::ExecuteSql(
                  pool_, absl::StrCat("UPDATE customers SET tier = ", v1::TIER_GOLD,
                                      " WHERE id IN (", Id(gold), ", ", Id(gold_at_risk), ")")),
              IsOk());
  v1::WinBackCampaign draft = Draft("Gold churned only");
  draft.add_target_stages(v1::LIFECYCLE_STAGE_CHURNED);
  draft.set_target_filter("tier = GOLD");
  v1::WinBackCampaign campaign = MustCreate(draft);
  ASSERT_THAT(Launch(campaign), IsOk());
  std::vector<v1::WinBackAttempt> attempts = Attempts(campaign.name());
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].customer(), gold);
}

TEST_F(WinBackMySqlTest, WonBackAttemptsMoveCustomersThroughTheLifecycleRules) {
  const std::string churned = Customer("Churned Co", v1::LIFECYCLE_STAGE_CHURNED);
  const std::string at_risk = Customer("At Risk Co", v1::LIFECYCLE_STAGE_AT_RISK);
  v1::WinBackCampaign campaign = MustCreate(Draft("Lapsed"));
  ASSERT_THAT(Launch(campaign), IsOk());
  std::vector<v1::WinBackAttempt> attempts = Attempts(campaign.name());
  ASSERT_EQ(attempts.size(), 2u);

  v1::WinBackAttempt contact = attempts[0];
  contact.set_state(v1::WIN_BACK_ATTEMPT_STATE_CONTACTED);
  contact.set_note("Called; «interested» 😊 '); DROP TABLE customers; --");
  absl::StatusOr<v1::WinBackAttempt> contacted = SetAttempt(contact, {"state", "note"});
  ASSERT_THAT(contacted, IsOk());
  EXPECT_EQ(contacted->state(), v1::WIN_BACK_ATTEMPT_STATE_CONTACTED);
  EXPECT_EQ(contacted->note(), contact.note());
  EXPECT_TRUE(contacted->has_last_contact_time());  // set by the move to CONTACTED
  EXPECT_EQ(StageOf(churned), v1::LIFECYCLE_STAGE_CHURNED);

  v1::WinBackAttempt won = *contacted;
  won.set_state(v1::WIN_BACK_ATTEMPT_STATE_WON_BACK);
  ASSERT_THAT(SetAttempt(won, {"state"}), IsOk());
  EXPECT_EQ(StageOf(churned), v1::LIFECYCLE_STAGE_WON_BACK);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM lifecycle_transitions WHERE customer_id = ",
                               Id(churned), " AND from_stage = ", v1::LIFECYCLE_STAGE_CHURNED,
                               " AND to_stage = ", v1::LIFECYCLE_STAGE_WON_BACK,
                               " AND automatic = 0 AND reason LIKE 'won back by %'")),
            1);

  v1::WinBackAttempt won_at_risk = attempts[1];
  won_at_risk.set_state(v1::WIN_BACK_ATTEMPT_STATE_WON_BACK);
  ASSERT_THAT(SetAttempt(won_at_risk, {"state"}), IsOk());
  EXPECT_EQ(StageOf(at_risk), v1::LIFECYCLE_STAGE_ACTIVE);

  // WON_BACK is final.
  won.set_etag("");
  won.set_state(v1::WIN_BACK_ATTEMPT_STATE_DECLINED);
  absl::Status final_state = SetAttempt(won, {"state"}).status();
  EXPECT_EQ(final_state.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(final_state), HasSubstr("final state"));
}

TEST_F(WinBackMySqlTest, UpdateAttemptValidatesAndRejectsIllegalMoves) {
  Customer("Churned Co", v1::LIFECYCLE_STAGE_CHURNED);
  v1::WinBackCampaign campaign = MustCreate(Draft("Lapsed"));
  ASSERT_THAT(Launch(campaign), IsOk());
  v1::WinBackAttempt attempt = Attempts(campaign.name()).at(0);

  v1::WinBackAttempt responded = attempt;
  responded.set_state(v1::WIN_BACK_ATTEMPT_STATE_RESPONDED);
  absl::StatusOr<v1::WinBackAttempt> moved = SetAttempt(responded, {"state"});
  ASSERT_THAT(moved, IsOk());
  EXPECT_EQ(SetAttempt(responded, {"state"}).status().code(), absl::StatusCode::kAborted);

  v1::WinBackAttempt back = *moved;
  back.set_state(v1::WIN_BACK_ATTEMPT_STATE_CONTACTED);
  absl::Status illegal = SetAttempt(back, {"state"}).status();
  EXPECT_EQ(illegal.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(illegal), HasSubstr("from RESPONDED to CONTACTED"));
  back.set_state(v1::WIN_BACK_ATTEMPT_STATE_NO_RESPONSE);
  EXPECT_THAT(Message(SetAttempt(back, {"state"}).status()),
              HasSubstr("set by CompleteWinBackCampaign"));

  v1::WinBackAttempt bad = *moved;
  bad.set_assignee("people/3");
  EXPECT_THAT(Message(SetAttempt(bad, {"assignee"}).status()),
              HasSubstr("win_back_attempt.assignee"));
  bad = *moved;
  bad.set_note(std::string(20001, 'n'));
  EXPECT_THAT(Message(SetAttempt(bad, {"note"}).status()), HasSubstr("win_back_attempt.note"));
  bad = *moved;
  bad.mutable_last_contact_time()->set_seconds(-99999999999LL);
  EXPECT_THAT(Message(SetAttempt(bad, {"last_contact_time"}).status()),
              HasSubstr("win_back_attempt.last_contact_time"));
  EXPECT_EQ(SetAttempt(*moved, {"customer"}).status().code(), absl::StatusCode::kInvalidArgument);

  v1::WinBackAttempt note = *moved;
  const std::string long_note = absl::StrCat("Ünïcödé ", std::string(10 * 1024, 'z'));
  note.set_note(long_note);
  note.set_assignee("employees/9");
  absl::StatusOr<v1::WinBackAttempt> noted = SetAttempt(note, {"note", "assignee"});
  ASSERT_THAT(noted, IsOk());
  v1::GetWinBackAttemptRequest get;
  get.set_name(attempt.name());
  v1::GetWinBackAttemptResponse got;
  ASSERT_THAT(service_.GetWinBackAttempt(call_, get, got), IsOk());
  EXPECT_EQ(got.win_back_attempt().note(), long_note);
  EXPECT_EQ(got.win_back_attempt().assignee(), "employees/9");
  EXPECT_EQ(got.win_back_attempt().state(), v1::WIN_BACK_ATTEMPT_STATE_RESPONDED);

  get.set_name(absl::StrCat(campaign.name(), "/attempts/999"));
  EXPECT_EQ(service_.GetWinBackAttempt(call_, get, got).code(), absl::StatusCode::kNotFound);
  v1::WinBackAttempt missing = *noted;
  missing.set_name(absl::StrCat(campaign.name(), "/attempts/999"));
  EXPECT_EQ(SetAttempt(missing, {"note"}).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(WinBackMySqlTest, CompleteClosesOpenAttemptsAndFreezesTheCampaign) {
  Customer("A", v1::LIFECYCLE_STAGE_CHURNED);
  Customer("B", v1::LIFECYCLE_STAGE_CHURNED);
  Customer("C", v1::LIFECYCLE_STAGE_AT_RISK);
  v1::WinBackCampaign campaign = MustCreate(Draft("Lapsed"));
  v1::CompleteWinBackCampaignRequest complete;
  complete.set_name(campaign.name());
  v1::CompleteWinBackCampaignResponse completed;
  absl::Status draft = service_.CompleteWinBackCampaign(call_, complete, completed);
  EXPECT_EQ(draft.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(draft), HasSubstr("from DRAFT to COMPLETED"));

  ASSERT_THAT(Launch(campaign), IsOk());
  std::vector<v1::WinBackAttempt> attempts = Attempts(campaign.name());
  ASSERT_EQ(attempts.size(), 3u);
  attempts[0].set_state(v1::WIN_BACK_ATTEMPT_STATE_DECLINED);
  ASSERT_THAT(SetAttempt(attempts[0], {"state"}), IsOk());
  complete.set_etag("zzz");
  EXPECT_EQ(service_.CompleteWinBackCampaign(call_, complete, completed).code(),
            absl::StatusCode::kAborted);
  complete.clear_etag();
  ASSERT_THAT(service_.CompleteWinBackCampaign(call_, complete, completed), IsOk());
  EXPECT_EQ(completed.win_back_campaign().state(), v1::WIN_BACK_CAMPAIGN_STATE_COMPLETED);
  std::vector<std::pair<int, int64_t>> counts;
  for (const auto& count : completed.win_back_campaign().attempt_counts()) {
    counts.emplace_back(count.state(), count.count());
  }
  EXPECT_THAT(counts,
              ElementsAre(std::pair<int, int64_t>{v1::WIN_BACK_ATTEMPT_STATE_DECLINED, 1},
                          std::pair<int, int64_t>{v1::WIN_BACK_ATTEMPT_STATE_NO_RESPONSE, 2}));
  EXPECT_EQ(Attempts(campaign.name(), "state = NO_RESPONSE").size(), 2u);

  attempts[1].clear_etag();
  attempts[1].set_note("too late");
  absl::Status frozen = SetAttempt(attempts[1], {"note"}).status();
  EXPECT_EQ(frozen.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(frozen), HasSubstr("COMPLETED"));

  v1::CancelWinBackCampaignRequest cancel;
  cancel.set_name(campaign.name());
  cancel.set_reason("changed plans");
  v1::CancelWinBackCampaignResponse cancelled;
  EXPECT_EQ(service_.CancelWinBackCampaign(call_, cancel, cancelled).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(WinBackMySqlTest, CancelNeedsAReasonAndStopsADraftOrActiveCampaign) {
  v1::WinBackCampaign campaign = MustCreate(Draft("Short lived"));
  v1::CancelWinBackCampaignRequest cancel;
  cancel.set_name(campaign.name());
  v1::CancelWinBackCampaignResponse cancelled;
  EXPECT_THAT(Message(service_.CancelWinBackCampaign(call_, cancel, cancelled)),
              HasSubstr("reason"));
  cancel.set_reason("Budget cut «2024»");
  cancel.set_etag(campaign.etag());
  ASSERT_THAT(service_.CancelWinBackCampaign(call_, cancel, cancelled), IsOk());
  EXPECT_EQ(cancelled.win_back_campaign().state(), v1::WIN_BACK_CAMPAIGN_STATE_CANCELLED);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE resource = 'winBackCampaigns/1' "
                  "AND action = 5 AND reason = 'Budget cut «2024»'"),
            1);
  cancel.set_etag(cancelled.win_back_campaign().etag());
  EXPECT_EQ(service_.CancelWinBackCampaign(call_, cancel, cancelled).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Launch(cancelled.win_back_campaign()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::UpdateWinBackCampaignRequest update;
  *update.mutable_win_back_campaign() = cancelled.win_back_campaign();
  update.mutable_win_back_campaign()->set_offer("x");
  update.mutable_update_mask()->add_paths("offer");
  v1::UpdateWinBackCampaignResponse updated;
  EXPECT_EQ(service_.UpdateWinBackCampaign(call_, update, updated).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::WinBackCampaign active = MustCreate(Draft("Launched"));
  absl::StatusOr<v1::WinBackCampaign> launched = Launch(active);
  ASSERT_THAT(launched, IsOk());
  cancel.set_name(active.name());
  cancel.set_etag(launched->etag());
  ASSERT_THAT(service_.CancelWinBackCampaign(call_, cancel, cancelled), IsOk());
  EXPECT_EQ(cancelled.win_back_campaign().state(), v1::WIN_BACK_CAMPAIGN_STATE_CANCELLED);
}

TEST_F(WinBackMySqlTest, ListAttemptsPagesFiltersAndOrders) {
  std::vector<std::string> customers;
  for (int i = 0; i < 5; ++i) {
    customers.push_back(Customer(absl::StrCat("Lapsed ", i), v1::LIFECYCLE_STAGE_CHURNED,
                                 i % 2 ? "employees/2" : "employees/1"));
  }
  v1::WinBackCampaign campaign = MustCreate(Draft("Lapsed"));
  ASSERT_THAT(Launch(campaign), IsOk());
  std::vector<v1::WinBackAttempt> all = Attempts(campaign.name());
  ASSERT_EQ(all.size(), 5u);
  std::set<std::string> names;
  for (const v1::WinBackAttempt& attempt : all) names.insert(attempt.name());
  EXPECT_EQ(names.size(), 5u);
  EXPECT_EQ(Attempts(campaign.name(), "assignee = \"employees/2\"").size(), 2u);
  std::vector<v1::WinBackAttempt> one =
      Attempts(campaign.name(), absl::StrCat("customer = ", customers[3]));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].customer(), customers[3]);

  // Contact attempts 3 then 1: by last_contact_time desc they come first, newest first.
  for (int index : {3, 1}) {
    v1::WinBackAttempt contact = all[index];
    contact.set_state(v1::WIN_BACK_ATTEMPT_STATE_CONTACTED);
    ASSERT_THAT(SetAttempt(contact, {"state"}), IsOk());
  }
  std::vector<v1::WinBackAttempt> by_contact =
      Attempts(campaign.name(), "", "last_contact_time desc");
  ASSERT_EQ(by_contact.size(), 5u);
  EXPECT_EQ(by_contact[0].name(), all[1].name());
  EXPECT_EQ(by_contact[1].name(), all[3].name());
  EXPECT_EQ(Attempts(campaign.name(), "state = CONTACTED").size(), 2u);
  EXPECT_EQ(Attempts(campaign.name(), "last_contact_time > \"2000-01-01T00:00:00Z\"").size(), 2u);

  v1::ListWinBackAttemptsRequest request;
  request.set_parent("winBackCampaigns/404");
  v1::ListWinBackAttemptsResponse response;
  EXPECT_EQ(service_.ListWinBackAttempts(call_, request, response).code(),
            absl::StatusCode::kNotFound);
  request.set_parent("winBackCampaigns/x");
  EXPECT_THAT(Message(service_.ListWinBackAttempts(call_, request, response)), HasSubstr("parent"));
  request.set_parent(campaign.name());
  request.set_filter("note = x");
  EXPECT_EQ(service_.ListWinBackAttempts(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::customer
