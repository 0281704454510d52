// ReferralService and FeedbackService with the MySQL repositories on a fresh
// TestDatabase.
#include <string>
#include <vector>

#include "common/api/time_util.h"
#include "tests/customer_svc/mysql/v005_fixture.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ReferralFeedbackMySqlTest : public V005Test {
 protected:
  absl::StatusOr<v1::Referral> CreateReferral(const std::string& referrer,
                                              const std::string& referred,
                                              const std::string& display_name = "Friend",
                                              const std::string& request_id = "") {
    v1::CreateReferralRequest request;
    request.set_parent(referrer);
    request.mutable_referral()->set_referred_customer(referred);
    request.mutable_referral()->set_referee_display_name(display_name);
    request.set_request_id(request_id);
    v1::CreateReferralResponse response;
    absl::Status status = referrals_.CreateReferral(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.referral();
  }

  absl::Status Activate(const std::string& customer) {
    v1::TransitionLifecycleStageRequest request;
    request.set_name(customer);
    request.set_to_stage(v1::LIFECYCLE_STAGE_ACTIVE);
    request.set_reason("first order");
    v1::TransitionLifecycleStageResponse response;
    return customers_.TransitionLifecycleStage(call_, request, response);
  }

  absl::StatusOr<v1::RewardReferralResponse> Reward(const v1::Referral& referral, int64_t points,
                                                    const std::string& request_id = "") {
    v1::RewardReferralRequest request;
    request.set_name(referral.name());
    request.set_etag(referral.etag());
    request.set_points(points);
    request.set_request_id(request_id);
    v1::RewardReferralResponse response;
    absl::Status status = referrals_.RewardReferral(call_, request, response);
    if (!status.ok()) return status;
    return response;
  }

  absl::StatusOr<v1::Referral> Decline(const v1::Referral& referral, const std::string& reason) {
    v1::DeclineReferralRequest request;
    request.set_name(referral.name());
    request.set_etag(referral.etag());
    request.set_reason(reason);
    v1::DeclineReferralResponse response;
    absl::Status status = referrals_.DeclineReferral(call_, request, response);
    if (!status.ok()) return status;
    return response.referral();
  }

  absl::StatusOr<v1::Feedback> CreateFeedback(const std::string& customer, v1::FeedbackKind kind,
                                              int score, const std::string& comment = "",
                                              const std::string& request_id = "") {
    v1::CreateFeedbackRequest request;
    request.set_parent(customer);
    request.mutable_feedback()->set_kind(kind);
    request.mutable_feedback()->set_score(score);
    request.mutable_feedback()->set_comment(comment);
    request.set_request_id(request_id);
    v1::CreateFeedbackResponse response;
    absl::Status status = feedback_.CreateFeedback(call_, request, response);
    now_ += absl::Seconds(1);
    if (!status.ok()) return status;
    return response.feedback();
  }

  v1::FeedbackSummary Summary(const std::string& parent, const std::string& filter = "",
                              std::optional<absl::Time> start = std::nullopt,
                              std::optional<absl::Time> end = std::nullopt) {
    v1::GetFeedbackSummaryRequest request;
    request.set_parent(parent);
    request.set_filter(filter);
    if (start) *request.mutable_start_time() = common::ToProtoTimestamp(*start);
    if (end) *request.mutable_end_time() = common::ToProtoTimestamp(*end);
    v1::GetFeedbackSummaryResponse response;
    EXPECT_THAT(feedback_.GetFeedbackSummary(call_, request, response), IsOk());
    return response.summary();
  }
};

TEST_F(ReferralFeedbackMySqlTest, ReferralQualifiesWhenTheReferredCustomerIsActiveAndPaysPoints) {
  const std::string alice = NewCustomer("Alice");
  const std::string bob = NewCustomer("Bob");
  absl::StatusOr<v1::Referral> referral =
      CreateReferral(alice, bob, "Bob 'Bobby' Tables ✓", "ref-1");
  ASSERT_THAT(referral, IsOk());
  EXPECT_THAT(referral->name(), HasSubstr(alice + "/referrals/"));
  EXPECT_EQ(referral->state(), v1::REFERRAL_STATE_PENDING);
  EXPECT_EQ(referral->referee_display_name(), "Bob 'Bobby' Tables ✓");
  absl::StatusOr<v1::Referral> replay = CreateReferral(alice, bob, "Bob 'Bobby' Tables ✓", "ref-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), referral->SerializeAsString());

  // Not yet ACTIVE: no reward.
  absl::Status early = Reward(*referral, 50).status();
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.message()), HasSubstr("REFERRAL_STATE_PENDING"));
  EXPECT_THAT(std::string(early.message()), HasSubstr("REFERRAL_STATE_REWARDED"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM loyalty_transactions"), 0);

  // Bob becoming ACTIVE qualifies the referral in the same transaction, which
  // moves its etag on.
  ASSERT_THAT(Activate(bob), IsOk());
  v1::GetReferralRequest get_qualified;
  get_qualified.set_name(referral->name());
  v1::GetReferralResponse qualified;
  ASSERT_THAT(referrals_.GetReferral(call_, get_qualified, qualified), IsOk());
  EXPECT_EQ(qualified.referral().state(), v1::REFERRAL_STATE_QUALIFIED);
  EXPECT_TRUE(qualified.referral().has_qualify_time());
  EXPECT_EQ(Reward(*referral, 50).status().code(), absl::StatusCode::kAborted);
  referral = qualified.referral();
  absl::StatusOr<v1::RewardReferralResponse> rewarded = Reward(*referral, 50, "reward-1");
  ASSERT_THAT(rewarded, IsOk());
  EXPECT_EQ(rewarded->referral().state(), v1::REFERRAL_STATE_REWARDED);
  EXPECT_TRUE(rewarded->referral().has_qualify_time());
  EXPECT_TRUE(rewarded->referral().has_reward_time());
  EXPECT_EQ(rewarded->referral().reward_points(), 50);
  EXPECT_EQ(rewarded->referral().reward_transaction(), rewarded->transaction().name());
  EXPECT_THAT(rewarded->transaction().name(), HasSubstr(alice + "/loyaltyTransactions/"));
  EXPECT_EQ(rewarded->transaction().reference(), referral->name());
  // Replay pays nothing again.
  absl::StatusOr<v1::RewardReferralResponse> again = Reward(*referral, 50, "reward-1");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->SerializeAsString(), rewarded->SerializeAsString());
  EXPECT_EQ(Count("SELECT SUM(points) FROM loyalty_transactions"), 50);
  // A second reward with a fresh request is an illegal transition.
  v1::Referral current = rewarded->referral();
  EXPECT_EQ(Reward(current, 50, "reward-2").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Decline(current, "too late").status().code(), absl::StatusCode::kFailedPrecondition);

  v1::GetReferralRequest get;
  get.set_name(referral->name());
  v1::GetReferralResponse got;
  ASSERT_THAT(referrals_.GetReferral(call_, get, got), IsOk());
  EXPECT_EQ(got.referral().SerializeAsString(), rewarded->referral().SerializeAsString());
  get.set_name(alice + "/referrals/9999");
  EXPECT_EQ(referrals_.GetReferral(call_, get, got).code(), absl::StatusCode::kNotFound);
}

TEST_F(ReferralFeedbackMySqlTest, SelfAndDuplicateReferralsAreRejected) {
  const std::string alice = NewCustomer("Alice");
  const std::string bob = NewCustomer("Bob");
  const std::string carol = NewCustomer("Carol");
  absl::Status self = CreateReferral(alice, alice).status();
  EXPECT_EQ(self.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(self.message()), HasSubstr("referral.referred_customer"));
  ASSERT_THAT(CreateReferral(alice, bob), IsOk());
  absl::Status duplicate = CreateReferral(carol, bob).status();
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(duplicate.message()), HasSubstr(bob));
  EXPECT_EQ(CreateReferral(alice, bob).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM referrals"), 1);

  EXPECT_EQ(CreateReferral(alice, "customers/99999").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(CreateReferral("customers/99999", "").status().code(), absl::StatusCode::kNotFound);
  absl::Status nobody = CreateReferral(alice, "", "  ").status();
  EXPECT_EQ(nobody.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(nobody.message()), HasSubstr("referral.referee_display_name"));
  EXPECT_THAT(
      std::string(CreateReferral(alice, "", std::string(10 * 1024, 'n')).status().message()),
      HasSubstr("referral.referee_display_name"));
  v1::CreateReferralRequest bad_email;
  bad_email.set_parent(alice);
  bad_email.mutable_referral()->set_referee_display_name("Dan");
  bad_email.mutable_referral()->set_referee_email("not-an-email");
  v1::CreateReferralResponse response;
  absl::Status email = referrals_.CreateReferral(call_, bad_email, response);
  EXPECT_EQ(email.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(email.message()), HasSubstr("referral.referee_email"));
}

TEST_F(ReferralFeedbackMySqlTest, UpdateLinksTheReferredCustomerAndDeclineEndsTheReferral) {
  const std::string alice = NewCustomer("Alice");
  const std::string active = NewCustomer("Active Co", v1::LIFECYCLE_STAGE_ACTIVE);
  absl::StatusOr<v1::Referral> referral = CreateReferral(alice, "", "Someone");
  ASSERT_THAT(referral, IsOk());
  v1::UpdateReferralRequest update;
  *update.mutable_referral() = *referral;
  update.mutable_referral()->set_referred_customer(active);
  update.mutable_referral()->set_referee_email("someone@example.com");
  update.mutable_referral()->set_referee_display_name("ignored: outside the mask");
  update.mutable_update_mask()->add_paths("referred_customer");
  update.mutable_update_mask()->add_paths("referee_email");
  v1::UpdateReferralResponse updated;
  ASSERT_THAT(referrals_.UpdateReferral(call_, update, updated), IsOk());
  EXPECT_EQ(updated.referral().referred_customer(), active);
  EXPECT_EQ(updated.referral().referee_email(), "someone@example.com");
  EXPECT_EQ(updated.referral().referee_display_name(), "Someone");
  EXPECT_EQ(updated.referral().state(), v1::REFERRAL_STATE_QUALIFIED);  // already ACTIVE
  // Stale etag.
  EXPECT_EQ(referrals_.UpdateReferral(call_, update, updated).code(), absl::StatusCode::kAborted);
  update.mutable_referral()->set_etag(updated.referral().etag());
  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("state");
  EXPECT_EQ(referrals_.UpdateReferral(call_, update, updated).code(),
            absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(Decline(updated.referral(), "").status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<v1::Referral> declined = Decline(updated.referral(), "duplicate lead 🙃");
  ASSERT_THAT(declined, IsOk());
  EXPECT_EQ(declined->state(), v1::REFERRAL_STATE_DECLINED);
  EXPECT_EQ(declined->decline_reason(), "duplicate lead 🙃");
  absl::Status reward = Reward(*declined, 10).status();
  EXPECT_EQ(reward.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(reward.message()), HasSubstr("REFERRAL_STATE_DECLINED"));
  // Re-linking after PENDING is refused.
  update.mutable_referral()->set_etag(declined->etag());
  update.mutable_referral()->set_referred_customer("");
  update.mutable_update_mask()->clear_paths();
  update.mutable_update_mask()->add_paths("referred_customer");
  EXPECT_EQ(referrals_.UpdateReferral(call_, update, updated).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ReferralFeedbackMySqlTest, ListReferralsPagesAndFilters) {
  const std::string alice = NewCustomer("Alice");
  const std::string other = NewCustomer("Other");
  std::vector<std::string> names;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<v1::Referral> referral =
        CreateReferral(i == 3 ? other : alice, "", "Friend " + std::to_string(i));
    ASSERT_THAT(referral, IsOk());
    names.push_back(referral->name());
  }
  absl::StatusOr<v1::Referral> declined = Decline(
      [&] {
        v1::GetReferralRequest get;
        get.set_name(names[1]);
        v1::GetReferralResponse got;
        EXPECT_THAT(referrals_.GetReferral(call_, get, got), IsOk());
        return got.referral();
      }(),
      "no");
  ASSERT_THAT(declined, IsOk());
  auto list_all = [&](const std::string& parent, const std::string& filter,
                      const std::string& order_by) {
    std::vector<std::string> listed;
    std::string token;
    do {
      v1::ListReferralsRequest request;
      request.set_parent(parent);
      request.set_filter(filter);
      request.set_order_by(order_by);
      request.set_page_size(1);
      request.set_page_token(token);
      v1::ListReferralsResponse page;
      absl::Status status = referrals_.ListReferrals(call_, request, page);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      for (const auto& r : page.referrals()) listed.push_back(r.name());
      token = page.next_page_token();
    } while (!token.empty());
    return listed;
  };
  EXPECT_THAT(list_all(alice, "", ""), ElementsAre(names[2], names[1], names[0]));
  EXPECT_THAT(list_all("customers/-", "", "create_time"),
              ElementsAre(names[0], names[1], names[2], names[3]));
  EXPECT_THAT(list_all("customers/-", "state = PENDING", ""),
              ElementsAre(names[3], names[2], names[0]));
  EXPECT_THAT(list_all("customers/-", "", "state desc"),
              ElementsAre(names[1], names[3], names[2], names[0]));
  v1::ListReferralsRequest bad;
  bad.set_parent(alice);
  bad.set_order_by("reward_points");
  v1::ListReferralsResponse page;
  EXPECT_EQ(referrals_.ListReferrals(call_, bad, page).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ReferralFeedbackMySqlTest, FeedbackIsStoredVerbatimWithItsNpsCategory) {
  const std::string customer = NewCustomer("Acme");
  const std::string comment = std::string(3000, 'c') + " '); DROP TABLE feedback; -- ✓ 日本";
  absl::StatusOr<v1::Feedback> nps =
      CreateFeedback(customer, v1::FEEDBACK_KIND_NPS, 9, comment, "fb-1");
  ASSERT_THAT(nps, IsOk());
  EXPECT_THAT(nps->name(), HasSubstr(customer + "/feedback/"));
  EXPECT_EQ(nps->nps_category(), v1::NPS_CATEGORY_PROMOTER);
  EXPECT_EQ(nps->comment(), comment);
  EXPECT_TRUE(nps->has_respond_time());
  absl::StatusOr<v1::Feedback> replay =
      CreateFeedback(customer, v1::FEEDBACK_KIND_NPS, 9, comment, "fb-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), nps->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback"), 1);
  EXPECT_EQ(CreateFeedback(customer, v1::FEEDBACK_KIND_NPS, 8, comment, "fb-1").status().code(),
            absl::StatusCode::kAlreadyExists);

  v1::GetFeedbackRequest get;
  get.set_name(nps->name());
  v1::GetFeedbackResponse got;
  ASSERT_THAT(feedback_.GetFeedback(call_, get, got), IsOk());
  EXPECT_EQ(got.feedback().SerializeAsString(), nps->SerializeAsString());
  get.set_name(customer + "/feedback/4242");
  EXPECT_EQ(feedback_.GetFeedback(call_, get, got).code(), absl::StatusCode::kNotFound);

  absl::StatusOr<v1::Feedback> csat = CreateFeedback(customer, v1::FEEDBACK_KIND_CSAT, 4);
  ASSERT_THAT(csat, IsOk());
  EXPECT_EQ(csat->nps_category(), v1::NPS_CATEGORY_UNSPECIFIED);

  struct Case {
    v1::FeedbackKind kind;
    int score;
    std::string comment;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {v1::FEEDBACK_KIND_NPS, 11, "", "feedback.score"},
           {v1::FEEDBACK_KIND_NPS, -1, "", "feedback.score"},
           {v1::FEEDBACK_KIND_CSAT, 0, "", "feedback.score"},
           {v1::FEEDBACK_KIND_CSAT, 6, "", "feedback.score"},
           {v1::FEEDBACK_KIND_UNSPECIFIED, 3, "", "feedback.kind"},
           {v1::FEEDBACK_KIND_CSAT, 3, std::string(10 * 1024, 'x'), "feedback.comment"}}) {
    absl::Status status = CreateFeedback(customer, c.kind, c.score, c.comment).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.field)) << c.field;
  }
  EXPECT_EQ(CreateFeedback("customers/31337", v1::FEEDBACK_KIND_NPS, 5).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM feedback"), 2);
}

TEST_F(ReferralFeedbackMySqlTest, SummaryMatchesAHandComputedSet) {
  const std::string a = NewCustomer("A");
  const std::string b = NewCustomer("B");
  const absl::Time start = now_;
  // NPS for A: 10, 9, 9 (promoters), 8 (passive), 6, 0, 3 (detractors):
  // 7 responses, (3 - 3) / 7 → NPS 0. Plus B: 10, 10 → all: 9 responses,
  // 5 promoters, 1 passive, 3 detractors → 100 × 2 / 9 = 22.2 → 22.
  for (int score : {10, 9, 9, 8, 6, 0, 3}) {
    ASSERT_THAT(CreateFeedback(a, v1::FEEDBACK_KIND_NPS, score), IsOk());
  }
  for (int score : {10, 10}) ASSERT_THAT(CreateFeedback(b, v1::FEEDBACK_KIND_NPS, score), IsOk());
  // CSAT for A: 5, 4, 2 → average 11/3, satisfied 2/3 = 6667 bp.
  for (int score : {5, 4, 2}) ASSERT_THAT(CreateFeedback(a, v1::FEEDBACK_KIND_CSAT, score), IsOk());
  const absl::Time middle = now_;
  // Later CSAT for B: 1 → all: 4 responses, average 12/4 = 3.0, satisfied 2/4 = 5000 bp.
  ASSERT_THAT(CreateFeedback(b, v1::FEEDBACK_KIND_CSAT, 1), IsOk());

  v1::FeedbackSummary all = Summary("customers/-");
  EXPECT_EQ(all.nps_response_count(), 9);
  EXPECT_EQ(all.promoter_count(), 5);
  EXPECT_EQ(all.passive_count(), 1);
  EXPECT_EQ(all.detractor_count(), 3);
  EXPECT_EQ(all.nps(), 22);
  EXPECT_EQ(all.csat_response_count(), 4);
  EXPECT_THAT(all.csat_average(), DoubleEq(3.0));
  EXPECT_EQ(all.csat_satisfied_basis_points(), 5000);

  v1::FeedbackSummary only_a = Summary(a);
  EXPECT_EQ(only_a.nps_response_count(), 7);
  EXPECT_EQ(only_a.nps(), 0);
  EXPECT_EQ(only_a.csat_response_count(), 3);
  EXPECT_THAT(only_a.csat_average(), DoubleEq(11.0 / 3.0));
  EXPECT_EQ(only_a.csat_satisfied_basis_points(), 6667);

  v1::FeedbackSummary b_nps = Summary(b, "kind = NPS");
  EXPECT_EQ(b_nps.nps(), 100);
  EXPECT_EQ(b_nps.csat_response_count(), 0);
  EXPECT_EQ(b_nps.csat_average(), 0);

  v1::FeedbackSummary before_middle = Summary("customers/-", "", start, middle);
  EXPECT_EQ(before_middle.csat_response_count(), 3);
  v1::FeedbackSummary after_middle = Summary("customers/-", "", middle, std::nullopt);
  EXPECT_EQ(after_middle.csat_response_count(), 1);
  EXPECT_EQ(after_middle.nps_response_count(), 0);
  EXPECT_EQ(after_middle.nps(), 0);

  v1::FeedbackSummary detractors = Summary("customers/-", "nps_category = DETRACTOR");
  EXPECT_EQ(detractors.nps_response_count(), 3);
  EXPECT_EQ(detractors.nps(), -100);

  v1::GetFeedbackSummaryRequest reversed;
  reversed.set_parent("customers/-");
  *reversed.mutable_start_time() = common::ToProtoTimestamp(middle);
  *reversed.mutable_end_time() = common::ToProtoTimestamp(start);
  v1::GetFeedbackSummaryResponse response;
  absl::Status status = feedback_.GetFeedbackSummary(call_, reversed, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("end_time"));

  // ListFeedback over the same set: score order, paging, filter.
  std::vector<int> scores;
  std::string token;
  do {
    v1::ListFeedbackRequest request;
    request.set_parent(a);
    request.set_filter("kind = NPS");
    request.set_order_by("score desc");
    request.set_page_size(3);
    request.set_page_token(token);
    v1::ListFeedbackResponse page;
    ASSERT_THAT(feedback_.ListFeedback(call_, request, page), IsOk());
    for (const auto& f : page.feedback()) scores.push_back(f.score());
    token = page.next_page_token();
  } while (!token.empty());
  EXPECT_THAT(scores, ElementsAre(10, 9, 9, 8, 6, 3, 0));
  v1::ListFeedbackRequest by_score;
  by_score.set_parent("customers/-");
  by_score.set_filter("score = 10");
  v1::ListFeedbackResponse tens;
  ASSERT_THAT(feedback_.ListFeedback(call_, by_score, tens), IsOk());
  EXPECT_EQ(tens.feedback_size(), 3);
  by_score.set_filter("score = eleven");
  EXPECT_EQ(feedback_.ListFeedback(call_, by_score, tens).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::customer
