// Domain rules of purchases, the loyalty ledger, referrals and feedback,
// without a database (fakes where a store is needed).
#include "customer_svc/domain/loyalty_rules.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/api/time_util.h"
#include "customer_svc/domain/feedback_rules.h"
#include "common/api/order_by.h"
#include "customer_svc/domain/purchase_rules.h"
#include "customer_svc/domain/referral_rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::customer {
namespace {

using ::testing::HasSubstr;

// An in-memory ledger.
class FakeLoyaltyStore final : public LoyaltyStore {
 public:
  absl::StatusOr<std::optional<LoyaltyCustomer>> LockCustomer(int64_t customer_id) override {
    auto it = customers.find(customer_id);
    if (it == customers.end()) return std::nullopt;
    return LoyaltyCustomer{customer_id, it->second};
  }
  absl::StatusOr<v1::LoyaltyBalance> Balance(int64_t customer_id) override {
    v1::LoyaltyBalance balance;
    for (const auto& [id, entry] : entries) {
      if (id != customer_id) continue;
      balance.set_balance_points(balance.balance_points() + entry.points());
      if (entry.points() > 0) {
        balance.set_lifetime_earned_points(balance.lifetime_earned_points() + entry.points());
      } else {
        balance.set_lifetime_redeemed_points(balance.lifetime_redeemed_points() - entry.points());
      }
    }
    return balance;
  }
  absl::StatusOr<v1::LoyaltyTransaction> InsertTransaction(
      int64_t customer_id, const v1::LoyaltyTransaction& transaction) override {
    v1::LoyaltyTransaction stored = transaction;
    stored.set_name("customers/" + std::to_string(customer_id) + "/loyaltyTransactions/" +
                    std::to_string(entries.size() + 1));
    entries.emplace_back(customer_id, stored);
    return stored;
  }
  absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) override {
    audits.push_back(entry);
    return absl::OkStatus();
  }

  std::map<int64_t, bool> customers;  // id → deleted
  std::vector<std::pair<int64_t, v1::LoyaltyTransaction>> entries;
  std::vector<crm::common::v1::AuditEntry> audits;
};

class LoyaltyBookingTest : public ::testing::Test {
 protected:
  LoyaltyBookingTest() {
    store_.customers = {{1, false}, {2, true}};
    call_.caller.team = "sales";
    call_.request_id = "req-9";
  }

  absl::StatusOr<LoyaltyBooking> Book(int64_t customer, v1::LoyaltyTransactionKind kind,
                                      int64_t points) {
    return BookLoyaltyEntry(store_, call_, customer, kind, points, "why", "", "rid", now_);
  }

  FakeLoyaltyStore store_;
  common::CallContext call_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
};

TEST_F(LoyaltyBookingTest, EarnThenRedeemTracksBalanceAfterEachEntry) {
  absl::StatusOr<LoyaltyBooking> earned = Book(1, v1::LOYALTY_TRANSACTION_KIND_EARN, 30);
  ASSERT_TRUE(earned.ok()) << earned.status();
  EXPECT_EQ(earned->transaction.points(), 30);
  EXPECT_EQ(earned->transaction.balance_after_points(), 30);
  EXPECT_EQ(earned->balance.lifetime_earned_points(), 30);
  absl::StatusOr<LoyaltyBooking> redeemed = Book(1, v1::LOYALTY_TRANSACTION_KIND_REDEEM, 30);
  ASSERT_TRUE(redeemed.ok()) << redeemed.status();
  EXPECT_EQ(redeemed->transaction.points(), -30);
  EXPECT_EQ(redeemed->transaction.balance_after_points(), 0);
  EXPECT_EQ(redeemed->balance.balance_points(), 0);
  EXPECT_EQ(redeemed->balance.lifetime_redeemed_points(), 30);
  EXPECT_EQ(redeemed->balance.update_time().seconds(), 1700000000);
  ASSERT_EQ(store_.audits.size(), 2u);
  EXPECT_EQ(store_.audits[1].resource(), redeemed->transaction.name());
  EXPECT_EQ(store_.audits[1].actor(), "sales");
}

TEST_F(LoyaltyBookingTest, RedeemBeyondBalanceFailsNamingBothAndBooksNothing) {
  ASSERT_TRUE(Book(1, v1::LOYALTY_TRANSACTION_KIND_EARN, 10).ok());
  absl::StatusOr<LoyaltyBooking> redeemed = Book(1, v1::LOYALTY_TRANSACTION_KIND_REDEEM, 11);
  EXPECT_EQ(redeemed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(redeemed.status().message()),
              HasSubstr("customers/1 has a balance of 10 points; cannot redeem 11 points"));
  EXPECT_EQ(store_.entries.size(), 1u);
  EXPECT_EQ(store_.audits.size(), 1u);
}

TEST_F(LoyaltyBookingTest, MissingOrDeletedCustomerBooksNothing) {
  EXPECT_EQ(Book(3, v1::LOYALTY_TRANSACTION_KIND_EARN, 1).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Book(2, v1::LOYALTY_TRANSACTION_KIND_EARN, 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(store_.entries.empty());
}

TEST(LoyaltyRulesTest, BookingFieldsAreValidated) {
  EXPECT_TRUE(ValidateLoyaltyBooking(1, "purchase", "customers/1/purchases/9").ok());
  EXPECT_TRUE(ValidateLoyaltyBooking(kMaxLoyaltyPointsPerEntry, "x", "").ok());
  EXPECT_THAT(std::string(ValidateLoyaltyBooking(0, "x", "").message()), HasSubstr("points:"));
  EXPECT_THAT(std::string(ValidateLoyaltyBooking(kMaxLoyaltyPointsPerEntry + 1, "x", "").message()),
              HasSubstr("points:"));
  EXPECT_THAT(std::string(ValidateLoyaltyBooking(1, " ", "").message()), HasSubstr("reason:"));
  EXPECT_THAT(std::string(ValidateLoyaltyBooking(1, std::string(201, 'a'), "").message()),
              HasSubstr("reason:"));
  EXPECT_TRUE(ValidateLoyaltyBooking(1, std::string(200, 'a'), "").ok());
  EXPECT_THAT(std::string(ValidateLoyaltyBooking(1, "x", "customers/01").message()),
              HasSubstr("reference:"));
  EXPECT_TRUE(CheckRedeemable("customers/1", 5, 5).ok());
  EXPECT_EQ(CheckRedeemable("customers/1", 5, 6).code(), absl::StatusCode::kFailedPrecondition);
}

v1::Purchase ValidPurchase() {
  v1::Purchase purchase;
  purchase.set_sku("SKU-1");
  purchase.set_quantity(4);
  purchase.mutable_unit_price()->set_amount_minor(250);
  purchase.mutable_unit_price()->set_currency_code("USD");
  purchase.set_supplier("suppliers/8");
  return purchase;
}

TEST(PurchaseRulesTest, NormalizeDerivesAmountStatusAndTime) {
  v1::Purchase purchase = ValidPurchase();
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  ASSERT_TRUE(NormalizePurchase(purchase, now).ok());
  EXPECT_EQ(purchase.amount().amount_minor(), 1000);
  EXPECT_EQ(purchase.amount().currency_code(), "USD");
  EXPECT_EQ(purchase.status(), v1::PURCHASE_STATUS_OPEN);
  EXPECT_EQ(purchase.purchase_time().seconds(), 1700000000);

  v1::Purchase dated = ValidPurchase();
  dated.mutable_purchase_time()->set_seconds(1600000000);
  dated.mutable_purchase_time()->set_nanos(123456789);
  dated.set_status(v1::PURCHASE_STATUS_FULFILLED);
  ASSERT_TRUE(NormalizePurchase(dated, now).ok());
  EXPECT_EQ(dated.purchase_time().nanos(), 123456000);
  EXPECT_EQ(dated.status(), v1::PURCHASE_STATUS_FULFILLED);
}

TEST(PurchaseRulesTest, NormalizeNamesTheBadField) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  auto message_of = [&](v1::Purchase purchase) {
    return std::string(NormalizePurchase(purchase, now).message());
  };
  v1::Purchase p = ValidPurchase();
  p.set_sku("   ");
  EXPECT_THAT(message_of(p), HasSubstr("purchase.sku:"));
  p = ValidPurchase();
  p.set_sku(std::string(65, 's'));
  EXPECT_THAT(message_of(p), HasSubstr("purchase.sku:"));
  p = ValidPurchase();
  p.set_quantity(kMaxPurchaseQuantity + 1);
  EXPECT_THAT(message_of(p), HasSubstr("purchase.quantity:"));
  p = ValidPurchase();
  p.mutable_unit_price()->set_currency_code("usd");
  EXPECT_THAT(message_of(p), HasSubstr("purchase.unit_price"));
  p = ValidPurchase();
  p.set_supplier("suppliers/0");
  EXPECT_THAT(message_of(p), HasSubstr("purchase.supplier:"));
  p = ValidPurchase();
  p.mutable_purchase_time()->set_nanos(-1);
  EXPECT_THAT(message_of(p), HasSubstr("purchase.purchase_time"));
  p = ValidPurchase();
  p.mutable_price_rule()->set_kind(static_cast<v1::PriceRuleKind>(9));
  EXPECT_THAT(message_of(p), HasSubstr("purchase.price_rule.kind:"));
  p = ValidPurchase();
  p.set_order_reference(std::string(101, 'o'));
  EXPECT_THAT(message_of(p), HasSubstr("purchase.order_reference:"));
}

TEST(PurchaseRulesTest, StatusTransitions) {
  using v1::PurchaseStatus;
  const std::vector<std::pair<PurchaseStatus, PurchaseStatus>> legal = {
      {v1::PURCHASE_STATUS_OPEN, v1::PURCHASE_STATUS_FULFILLED},
      {v1::PURCHASE_STATUS_OPEN, v1::PURCHASE_STATUS_CANCELLED},
      {v1::PURCHASE_STATUS_FULFILLED, v1::PURCHASE_STATUS_RETURNED},
      {v1::PURCHASE_STATUS_CANCELLED, v1::PURCHASE_STATUS_CANCELLED}};
  for (const auto& [from, to] : legal) {
    EXPECT_TRUE(CheckPurchaseStatusChange(from, to, "p").ok()) << from << "→" << to;
  }
  const std::vector<std::pair<PurchaseStatus, PurchaseStatus>> illegal = {
      {v1::PURCHASE_STATUS_FULFILLED, v1::PURCHASE_STATUS_OPEN},
      {v1::PURCHASE_STATUS_CANCELLED, v1::PURCHASE_STATUS_OPEN},
      {v1::PURCHASE_STATUS_RETURNED, v1::PURCHASE_STATUS_FULFILLED},
      {v1::PURCHASE_STATUS_OPEN, v1::PURCHASE_STATUS_RETURNED}};
  for (const auto& [from, to] : illegal) {
    absl::Status status = CheckPurchaseStatusChange(from, to, "customers/1/purchases/2");
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(status.message()), HasSubstr(v1::PurchaseStatus_Name(from)));
    EXPECT_THAT(std::string(status.message()), HasSubstr(v1::PurchaseStatus_Name(to)));
  }
}

TEST(ReferralRulesTest, StateMachine) {
  EXPECT_TRUE(
      CheckReferralTransition(v1::REFERRAL_STATE_PENDING, v1::REFERRAL_STATE_QUALIFIED, "r").ok());
  EXPECT_TRUE(
      CheckReferralTransition(v1::REFERRAL_STATE_QUALIFIED, v1::REFERRAL_STATE_REWARDED, "r").ok());
  EXPECT_TRUE(
      CheckReferralTransition(v1::REFERRAL_STATE_PENDING, v1::REFERRAL_STATE_DECLINED, "r").ok());
  EXPECT_TRUE(
      CheckReferralTransition(v1::REFERRAL_STATE_QUALIFIED, v1::REFERRAL_STATE_DECLINED, "r").ok());
  absl::Status early =
      CheckReferralTransition(v1::REFERRAL_STATE_PENDING, v1::REFERRAL_STATE_REWARDED, "r");
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.message()), HasSubstr("not become ACTIVE"));
  for (v1::ReferralState done : {v1::REFERRAL_STATE_REWARDED, v1::REFERRAL_STATE_DECLINED}) {
    for (v1::ReferralState to :
         {v1::REFERRAL_STATE_REWARDED, v1::REFERRAL_STATE_DECLINED, v1::REFERRAL_STATE_PENDING}) {
      EXPECT_EQ(CheckReferralTransition(done, to, "r").code(),
                absl::StatusCode::kFailedPrecondition);
    }
  }
}

TEST(ReferralRulesTest, ValidationRejectsSelfReferralAndMissingReferee) {
  v1::Referral referral;
  referral.set_referred_customer("customers/5");
  EXPECT_TRUE(ValidateReferral(referral, 4).ok());
  absl::Status self = ValidateReferral(referral, 5);
  EXPECT_EQ(self.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(self.message()), HasSubstr("cannot refer itself"));
  v1::Referral nobody;
  EXPECT_THAT(std::string(ValidateReferral(nobody, 4).message()),
              HasSubstr("referral.referee_display_name"));
  nobody.set_referee_display_name("Dana");
  EXPECT_TRUE(ValidateReferral(nobody, 4).ok());
  nobody.set_referee_email("dana@@example.com");
  EXPECT_THAT(std::string(ValidateReferral(nobody, 4).message()),
              HasSubstr("referral.referee_email"));
  v1::Referral wrong;
  wrong.set_referred_customer("employees/5");
  EXPECT_THAT(std::string(ValidateReferral(wrong, 4).message()),
              HasSubstr("referral.referred_customer"));
}

TEST(FeedbackRulesTest, NpsCategoriesFollowTheScoreBands) {
  for (int score = 0; score <= 6; ++score)
    EXPECT_EQ(NpsCategoryOf(score), v1::NPS_CATEGORY_DETRACTOR);
  EXPECT_EQ(NpsCategoryOf(7), v1::NPS_CATEGORY_PASSIVE);
  EXPECT_EQ(NpsCategoryOf(8), v1::NPS_CATEGORY_PASSIVE);
  EXPECT_EQ(NpsCategoryOf(9), v1::NPS_CATEGORY_PROMOTER);
  EXPECT_EQ(NpsCategoryOf(10), v1::NPS_CATEGORY_PROMOTER);
}

TEST(FeedbackRulesTest, SummaryRoundsLikeAPersonWould) {
  FeedbackCounts counts;
  EXPECT_EQ(ComputeFeedbackSummary(counts).nps(), 0);
  EXPECT_EQ(ComputeFeedbackSummary(counts).csat_average(), 0);
  // 2 promoters, 1 passive, 0 detractors of 3: 66.67 → 67.
  counts.nps_responses = 3;
  counts.promoters = 2;
  counts.passives = 1;
  EXPECT_EQ(ComputeFeedbackSummary(counts).nps(), 67);
  // 1 promoter, 0 passives, 2 detractors of 3: −33.3 → −33.
  counts.promoters = 1;
  counts.passives = 0;
  counts.detractors = 2;
  EXPECT_EQ(ComputeFeedbackSummary(counts).nps(), -33);
  // Exactly half a point: (2 − 1) / 8 = 12.5 → 13 and (1 − 2) / 8 = −12.5 → −13.
  counts = {8, 2, 5, 1, 0, 0, 0};
  EXPECT_EQ(ComputeFeedbackSummary(counts).nps(), 13);
  counts = {8, 1, 5, 2, 0, 0, 0};
  EXPECT_EQ(ComputeFeedbackSummary(counts).nps(), -13);
  counts = {4, 0, 0, 4, 3, 7, 1};
  v1::FeedbackSummary summary = ComputeFeedbackSummary(counts);
  EXPECT_EQ(summary.nps(), -100);
  EXPECT_DOUBLE_EQ(summary.csat_average(), 7.0 / 3.0);
  EXPECT_EQ(summary.csat_satisfied_basis_points(), 3333);
}

TEST(FeedbackRulesTest, NormalizeValidatesByKind) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  v1::Feedback nps;
  nps.set_kind(v1::FEEDBACK_KIND_NPS);
  nps.set_score(0);
  ASSERT_TRUE(NormalizeFeedback(nps, now).ok());
  EXPECT_EQ(nps.nps_category(), v1::NPS_CATEGORY_DETRACTOR);
  EXPECT_EQ(nps.respond_time().seconds(), 1700000000);
  v1::Feedback csat;
  csat.set_kind(v1::FEEDBACK_KIND_CSAT);
  csat.set_score(0);
  EXPECT_THAT(std::string(NormalizeFeedback(csat, now).message()), HasSubstr("feedback.score"));
  csat.set_score(5);
  csat.set_subject("customers/1/serviceCases/4");
  ASSERT_TRUE(NormalizeFeedback(csat, now).ok());
  EXPECT_EQ(csat.nps_category(), v1::NPS_CATEGORY_UNSPECIFIED);
  csat.set_subject("a case");
  EXPECT_THAT(std::string(NormalizeFeedback(csat, now).message()), HasSubstr("feedback.subject"));
  csat.clear_subject();
  *csat.mutable_respond_time() = common::ToProtoTimestamp(now + absl::Hours(1));
  EXPECT_THAT(std::string(NormalizeFeedback(csat, now).message()),
              HasSubstr("feedback.respond_time"));
}

TEST(OrderByTest, AcceptsListedFieldsWithDirection) {
  size_t index = 7;
  bool descending = true;
  ASSERT_TRUE(common::ParseOrderByInto("", {"a", "b"}, index, descending).ok());
  EXPECT_EQ(index, 7u);
  EXPECT_TRUE(descending);
  ASSERT_TRUE(common::ParseOrderByInto(" b ", {"a", "b"}, index, descending).ok());
  EXPECT_EQ(index, 1u);
  EXPECT_FALSE(descending);
  ASSERT_TRUE(common::ParseOrderByInto("a desc", {"a", "b"}, index, descending).ok());
  EXPECT_EQ(index, 0u);
  EXPECT_TRUE(descending);
  EXPECT_EQ(common::ParseOrderByInto("c", {"a", "b"}, index, descending).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ParseOrderByInto("a sideways", {"a", "b"}, index, descending).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(common::ParseOrderByInto("a, b", {"a", "b"}, index, descending).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::customer
