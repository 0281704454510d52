// InsightService with the MySQL repository on a hand-checked dataset: nine
// customers made through CustomerService, their purchases, interactions,
// service cases and feedback inserted with SQL. Every expected figure below is
// worked out by hand in the comments.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/time_util.h"
#include "crm/customer/v1/interaction.pb.h"
#include "customer_svc/domain/insight_pricing.h"
#include "customer_svc/domain/insight_rules.h"
#include "customer_svc/domain/insight_service.h"
#include "customer_svc/repository/mysql_insight_repository.h"
#include "customer_svc/repository/mysql_pricing_repository.h"
#include "tests/customer_svc/mysql/customer_db_test.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// 2024-06-01T00:00:00Z: "now" for every computation.
const absl::Time kNow = absl::FromUnixSeconds(1717200000);

class InsightMySqlTest : public CustomerDbTest {
 protected:
  InsightMySqlTest()
      : CustomerDbTest("insights", kNow, absl::Seconds(30)),
        repository_(pool_),
        service_(
            repository_, [this] { return now_; },
            QuoteWithPricing(std::make_shared<MySqlPricingRepository>(pool_),
                             [this] { return now_; })) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CustomerDbTest::SetUp());
    // Customers became ACTIVE 500 days before now, so only their purchases
    // and interactions keep them active.
    now_ = kNow - absl::Hours(24 * 500);
    for (int i = 1; i <= 9; ++i)
      c_.push_back(MakeCustomer(i, i == 9 ? v1::LIFECYCLE_STAGE_LEAD : v1::LIFECYCLE_STAGE_ACTIVE));
    // Purchases (EUR cents, days before now). Window figures (365 days):
    //   c1: A 5d 10000, B 20d 5000, C 40d 5000  → last 5d,   F 3, M 20000
    //   c2: A 10d 3000, B 200d 3000              → last 10d,  F 2, M 6000
    //   c3: A 30d 50000                          → last 30d,  F 1, M 50000
    //   c4: B 100d, C 120d, D 150d, A 160d (1000 each) → last 100d, F 4, M 4000
    //   c5: A 400d 2000 (outside the window)     → last 400d, F 0, M 0
    //   c6: B 60d 7000; C 1d cancelled (ignored) → last 60d,  F 1, M 7000
    //   c7: none; c8: A, E but deleted; c9: none (LEAD)
    Purchase(1, "A-100", 10000, 5);
    Purchase(1, "B-200", 5000, 20);
    Purchase(1, "C-300", 5000, 40);
    Purchase(2, "A-100", 3000, 10);
    Purchase(2, "B-200", 3000, 200);
    Purchase(3, "A-100", 50000, 30);
    Purchase(4, "B-200", 1000, 100);
    Purchase(4, "C-300", 1000, 120);
    Purchase(4, "D-400", 1000, 150);
    Purchase(4, "A-100", 1000, 160);
    Purchase(5, "A-100", 2000, 400);
    Purchase(6, "B-200", 7000, 60);
    Purchase(6, "C-300", 99999, 1, /*state=*/3);
    Purchase(8, "A-100", 1000, 3);
    Purchase(8, "E-500", 1000, 3);
    v1::DeleteCustomerRequest remove;
    remove.set_name(c_[7]);
    v1::DeleteCustomerResponse removed;
    ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());
    // c5 talked to us 20 days ago: still active although it bought long ago.
    Interaction(5, 20, v1::SENTIMENT_NEUTRAL);
    now_ = kNow;
  }

  std::string MakeCustomer(int index, v1::LifecycleStage stage) {
    const std::string name = CreateCustomer(absl::StrCat("Customer ", index)).name();
    if (stage == v1::LIFECYCLE_STAGE_ACTIVE) {
      TransitionCustomer(name, v1::LIFECYCLE_STAGE_ACTIVE, "signed");
    }
    Sql(absl::StrCat("UPDATE customers SET account_manager = 'employees/", index,
                     "' WHERE id = ", Id(name)));
    return name;
  }

  std::string CustomerId(int index) const { return Id(c_[index - 1]); }
  static std::string DaysAgo(int days) {
    return absl::StrCat("'", common::FormatMysqlDatetime(kNow - absl::Hours(24 * days)), "'");
  }

  void Sql(const std::string& statement) {
    ASSERT_THAT(test_support::ExecuteSql(pool_, statement), IsOk()) << statement;
  }

  void Purchase(int customer, const std::string& sku, int64_t amount, int days_ago, int state = 2) {
    Sql(absl::StrCat(
        "INSERT INTO purchases (customer_id, order_reference, sku, description, quantity, "
        "unit_price_minor, amount_minor, currency, price_rule_kind, price_rule, "
        "price_rule_description, purchase_time, state, supplier_id, version, create_time, "
        "update_time) VALUES (",
        CustomerId(customer), ", 'SO-1', '", sku, "', '', 1, ", amount, ", ", amount,
        ", 'EUR', 0, '', '', ", DaysAgo(days_ago), ", ", state, ", 1, 1, ", DaysAgo(days_ago), ", ",
        DaysAgo(days_ago), ")"));
  }

  void Interaction(int customer, int days_ago, v1::Sentiment sentiment) {
    Sql(absl::StrCat(
        "INSERT INTO interactions (customer_id, channel, direction, subject, summary, sentiment, "
        "occur_time, employee, details, version, create_time, update_time) VALUES (",
        CustomerId(customer), ", 1, 1, 'call', '', ", sentiment, ", ", DaysAgo(days_ago),
        ", 'employees/1', '', 1, ", DaysAgo(days_ago), ", ", DaysAgo(days_ago), ")"));
  }

  void ServiceCase(int customer, int status, int created_days_ago, int due_days_ago) {
    Sql(absl::StrCat(
        "INSERT INTO service_cases (customer_id, subject, description, priority, status, "
        "assignee, sla_due_time, escalation_level, resolution, csat_score, csat_comment, "
        "version, create_time, update_time) VALUES (",
        CustomerId(customer), ", 'Broken', '', 2, ", status, ", 'employees/1', ",
        DaysAgo(due_days_ago), ", 0, '', 0, '', 1, ", DaysAgo(created_days_ago), ", ",
        DaysAgo(created_days_ago), ")"));
  }

  void Feedback(int customer, int kind, int score, int days_ago) {
    Sql(absl::StrCat(
        "INSERT INTO feedback (customer_id, kind, score, comment, nps_category, subject, "
        "respond_time, create_time) VALUES (",
        CustomerId(customer), ", ", kind, ", ", score, ", '', 0, '', ", DaysAgo(days_ago), ", ",
        DaysAgo(days_ago), ")"));
  }

  v1::RfmScores Rfm(int customer) {
    v1::GetRfmScoresRequest request;
    request.set_customer(c_[customer - 1]);
    v1::GetRfmScoresResponse response;
    EXPECT_THAT(service_.GetRfmScores(call_, request, response), IsOk());
    return response.rfm_scores();
  }

  std::vector<std::string> ListRfmCustomers(const std::string& filter,
                                            const std::string& order_by) {
    std::vector<std::string> names;
    std::string token;
    do {
      v1::ListRfmScoresRequest request;
      request.set_page_size(4);
      request.set_filter(filter);
      request.set_order_by(order_by);
      request.set_page_token(token);
      v1::ListRfmScoresResponse response;
      absl::Status status = service_.ListRfmScores(call_, request, response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      for (const v1::RfmScores& scores : response.rfm_scores()) names.push_back(scores.customer());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  }

  v1::LifecycleStage StageOf(int customer) {
    v1::GetCustomerRequest get;
    get.set_name(c_[customer - 1]);
    v1::GetCustomerResponse got;
    EXPECT_THAT(customers_.GetCustomer(call_, get, got), IsOk());
    return got.customer().lifecycle_stage();
  }

  absl::StatusOr<std::vector<std::string>> Refresh(int days, bool dry_run,
                                                   const std::string& request_id = "") {
    v1::RefreshLifecycleRequest request;
    request.set_inactivity_days(days);
    request.set_dry_run(dry_run);
    request.set_request_id(request_id);
    v1::RefreshLifecycleResponse response;
    absl::Status status = service_.RefreshLifecycle(call_, request, response);
    if (!status.ok()) return status;
    return std::vector<std::string>(response.moved_customers().begin(),
                                    response.moved_customers().end());
  }

  v1::RecommendProductsResponse Recommend(int customer, double min_confidence = 0) {
    v1::RecommendProductsRequest request;
    request.set_customer(c_[customer - 1]);
    request.set_min_confidence(min_confidence);
    v1::RecommendProductsResponse response;
    EXPECT_THAT(service_.RecommendProducts(call_, request, response), IsOk());
    return response;
  }

  MySqlInsightRepository repository_;
  InsightService service_;
  std::vector<std::string> c_;  // c_[0] is c1
};

// R by last purchase (oldest first): c5 400d, c4 100d, c6 60d, c3 30d, c2 10d,
// c1 5d → ranks 1-6 → 1 + floor(5(rank-1)/6) = 1, 1, 2, 3, 4, 5.
// F by window count: c5 0 | c3 1, c6 1 (tied at rank 2) | c2 2 | c1 3 | c4 4
//   → 1 | 1, 1 | 3 | 4 | 5.
// M by window spend: c5 0, c4 4000, c2 6000, c6 7000, c1 20000, c3 50000 → 1, 1, 2, 3, 4, 5.
TEST_F(InsightMySqlTest, RfmScoresAreQuintilesOverScoredCustomers) {
  struct Expected {
    int customer, r, f, m;
    v1::RfmSegment segment;
  };
  for (const Expected& e : std::vector<Expected>{
           {1, 5, 4, 4, v1::RFM_SEGMENT_CHAMPIONS},
           {2, 4, 3, 2, v1::RFM_SEGMENT_LOYAL},
           {3, 3, 1, 5, v1::RFM_SEGMENT_NEEDS_ATTENTION},
           {4, 1, 5, 1, v1::RFM_SEGMENT_AT_RISK},
           {5, 1, 1, 1, v1::RFM_SEGMENT_LOST},
           {6, 2, 1, 3, v1::RFM_SEGMENT_ABOUT_TO_SLEEP},
       }) {
    const v1::RfmScores scores = Rfm(e.customer);
    EXPECT_EQ(scores.recency_score(), e.r) << "c" << e.customer;
    EXPECT_EQ(scores.frequency_score(), e.f) << "c" << e.customer;
    EXPECT_EQ(scores.monetary_score(), e.m) << "c" << e.customer;
    EXPECT_EQ(scores.segment(), e.segment) << "c" << e.customer;
    EXPECT_EQ(scores.segment(), SegmentFor(e.r, e.f, e.m));  // SQL table = C++ table
  }
  const v1::RfmScores c1 = Rfm(1);
  EXPECT_EQ(c1.customer(), c_[0]);
  EXPECT_EQ(c1.recency_days(), 5);
  EXPECT_EQ(c1.purchase_count(), 3);
  EXPECT_EQ(c1.monetary_amount().amount_minor(), 20000);
  EXPECT_EQ(c1.monetary_amount().currency_code(), "EUR");
  EXPECT_EQ(c1.compute_time().seconds(), 1717200000);
  const v1::RfmScores c5 = Rfm(5);
  EXPECT_EQ(c5.recency_days(), 400);
  EXPECT_EQ(c5.purchase_count(), 0);

  const v1::RfmScores unscored = Rfm(7);  // no purchases
  EXPECT_EQ(unscored.segment(), v1::RFM_SEGMENT_UNSPECIFIED);
  EXPECT_EQ(unscored.recency_score(), 0);

  v1::GetRfmScoresRequest request;
  request.set_customer(c_[7]);  // deleted
  v1::GetRfmScoresResponse response;
  EXPECT_EQ(service_.GetRfmScores(call_, request, response).code(), absl::StatusCode::kNotFound);
  request.set_customer("customers/99999");
  EXPECT_EQ(service_.GetRfmScores(call_, request, response).code(), absl::StatusCode::kNotFound);
  request.set_customer("suppliers/1");
  EXPECT_THAT(Message(service_.GetRfmScores(call_, request, response)), HasSubstr("customer"));
}

TEST_F(InsightMySqlTest, ListRfmScoresPagesFiltersAndOrders) {
  EXPECT_THAT(ListRfmCustomers("", ""), ElementsAre(c_[0], c_[1], c_[2], c_[3], c_[4], c_[5]));
  // R desc: c1 5, c2 4, c3 3, c6 2, then c4 and c5 tied at 1 (customer desc).
  EXPECT_THAT(ListRfmCustomers("", "recency_score desc"),
              ElementsAre(c_[0], c_[1], c_[2], c_[5], c_[4], c_[3]));
  EXPECT_THAT(ListRfmCustomers("", "monetary_score"),
              ElementsAre(c_[3], c_[4], c_[1], c_[5], c_[0], c_[2]));
  EXPECT_THAT(ListRfmCustomers("segment = CHAMPIONS", ""), ElementsAre(c_[0]));
  EXPECT_THAT(ListRfmCustomers("segment != RFM_SEGMENT_CHAMPIONS AND frequency_score >= 3", ""),
              ElementsAre(c_[1], c_[3]));
  EXPECT_TRUE(ListRfmCustomers("segment = HIBERNATING", "").empty());

  v1::ListRfmScoresRequest request;
  v1::ListRfmScoresResponse response;
  request.set_filter("recency_score = 9");
  EXPECT_THAT(Message(service_.ListRfmScores(call_, request, response)),
              HasSubstr("recency_score"));
  request.set_filter("segment = BEST");
  EXPECT_EQ(service_.ListRfmScores(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_filter("tier = GOLD");
  EXPECT_EQ(service_.ListRfmScores(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.clear_filter();
  request.set_order_by("monetary_amount");
  EXPECT_THAT(Message(service_.ListRfmScores(call_, request, response)), HasSubstr("order_by"));
  request.clear_order_by();
  request.set_page_size(2);
  ASSERT_THAT(service_.ListRfmScores(call_, request, response), IsOk());
  request.set_page_token(response.next_page_token());
  request.set_order_by("recency_score");  // another query: the token does not fit
  EXPECT_EQ(service_.ListRfmScores(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(InsightMySqlTest, ListSegmentsCountsCustomersPerSegmentInEnumOrder) {
  std::vector<v1::SegmentSummary> all;
  std::string token;
  do {
    v1::ListSegmentsRequest request;
    request.set_page_size(4);
    request.set_page_token(token);
    v1::ListSegmentsResponse response;
    ASSERT_THAT(service_.ListSegments(call_, request, response), IsOk());
    for (const v1::SegmentSummary& summary : response.segments()) all.push_back(summary);
    token = response.next_page_token();
  } while (!token.empty());
  ASSERT_EQ(all.size(), 11u);
  std::vector<int64_t> counts;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].segment(), static_cast<int>(i + 1));
    counts.push_back(all[i].customer_count());
  }
  // Champions c1, Loyal c2, Needs Attention c3, About to Sleep c6, At Risk c4, Lost c5.
  EXPECT_THAT(counts, ElementsAre(1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1));
  EXPECT_EQ(all[0].display_name(), "Champions");
  EXPECT_EQ(all[0].rule(), "R 4-5, F 4-5, M 4-5");
}

TEST_F(InsightMySqlTest, HealthScoreAddsEachDriverFromStoredData) {
  ServiceCase(1, /*OPEN*/ 1, 10, 2);           // open, SLA due 2 days ago: -5 and a breach -10
  ServiceCase(1, /*CLOSED*/ 4, 300, 290);      // closed, never resolved late: no effect
  Feedback(1, /*NPS*/ 1, 9, 30);               // promoter: +10
  Feedback(1, /*NPS*/ 1, 3, 400);              // older NPS response: ignored
  Feedback(1, /*CSAT*/ 2, 2, 15);              // CSAT average 2.0: -10
  Interaction(1, 10, v1::SENTIMENT_POSITIVE);  // +2
  // Purchases: last 5 days ago +20; 3 in the last 90 days vs 0 before: +10.
  v1::GetHealthScoreRequest request;
  request.set_customer(c_[0]);
  v1::GetHealthScoreResponse response;
  ASSERT_THAT(service_.GetHealthScore(call_, request, response), IsOk());
  const v1::HealthScore& health = response.health_score();
  EXPECT_EQ(health.customer(), c_[0]);
  EXPECT_EQ(health.score(), 50 + 20 + 10 - 5 - 10 + 10 - 10 + 2);  // 67
  EXPECT_EQ(health.churn_risk(), v1::CHURN_RISK_MEDIUM);
  std::vector<std::pair<int, int>> drivers;
  for (const v1::HealthDriver& driver : health.drivers()) {
    drivers.emplace_back(driver.factor(), driver.impact());
  }
  EXPECT_THAT(drivers, ElementsAre(std::pair<int, int>{v1::HEALTH_FACTOR_PURCHASE_RECENCY, 20},
                                   std::pair<int, int>{v1::HEALTH_FACTOR_PURCHASE_TREND, 10},
                                   std::pair<int, int>{v1::HEALTH_FACTOR_SLA_BREACHES, -10},
                                   std::pair<int, int>{v1::HEALTH_FACTOR_NPS, 10},
                                   std::pair<int, int>{v1::HEALTH_FACTOR_CSAT, -10},
                                   std::pair<int, int>{v1::HEALTH_FACTOR_OPEN_SERVICE_CASES, -5},
                                   std::pair<int, int>{v1::HEALTH_FACTOR_ENGAGEMENT, 2}));
  EXPECT_EQ(health.drivers(0).explanation(), "last purchase 5 days ago");
  EXPECT_EQ(health.drivers(3).explanation(), "latest NPS response 9 (promoter)");

  // c7: no purchases, no interactions: 50 - 20 - 10.
  request.set_customer(c_[6]);
  ASSERT_THAT(service_.GetHealthScore(call_, request, response), IsOk());
  EXPECT_EQ(response.health_score().score(), 20);
  EXPECT_EQ(response.health_score().churn_risk(), v1::CHURN_RISK_HIGH);
  request.set_customer("customers/12345");
  EXPECT_EQ(service_.GetHealthScore(call_, request, response).code(), absl::StatusCode::kNotFound);
}

// Baskets of live customers (counted purchases, any time): c1 {A,B,C},
// c2 {A,B}, c3 {A}, c4 {A,B,C,D}, c5 {A}, c6 {B}: 6 baskets; A in 5, B in 4,
// C in 2, D in 1 (c6's cancelled C and deleted c8's {A,E} do not count).
TEST_F(InsightMySqlTest, RecommendationsComeFromCoPurchaseRulesAndSkipOwnedSkus) {
  // c2 owns A and B. B→C: 2 of 4 (conf .5, lift .5/(2/6) = 1.5, support 2/6);
  // A→C: 2 of 5 (conf .4, lift 1.2). B→D: 1 of 4 (conf .25, lift 1.5); A→D: .2.
  v1::RecommendProductsResponse c2 = Recommend(2);
  ASSERT_EQ(c2.recommendations_size(), 2);
  const v1::ProductRecommendation& c = c2.recommendations(0);
  EXPECT_EQ(c.sku(), "C-300");
  EXPECT_DOUBLE_EQ(c.confidence(), 0.5);
  EXPECT_DOUBLE_EQ(c.lift(), 1.5);
  EXPECT_DOUBLE_EQ(c.support(), 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(c.score(), 0.75);
  EXPECT_THAT(c.antecedent_skus(), ElementsAre("B-200", "A-100"));
  EXPECT_EQ(c.explanation(),
            "50% of customers who bought B-200 also bought C-300 (2 of 4; lift 1.50, support 33%)");
  EXPECT_EQ(c2.recommendations(1).sku(), "D-400");
  EXPECT_DOUBLE_EQ(c2.recommendations(1).confidence(), 0.25);
  EXPECT_DOUBLE_EQ(c2.recommendations(1).lift(), 1.5);
  // min_confidence .3 drops D (its best rule has .25).
  v1::RecommendProductsResponse strict = Recommend(2, 0.3);
  ASSERT_EQ(strict.recommendations_size(), 1);
  EXPECT_EQ(strict.recommendations(0).sku(), "C-300");

  // c6 owns B. B→A: 3 of 4 (conf .75, lift .75/(5/6) = .9, score .675);
  // B→C: conf .5, lift 1.5, score .75; B→D: conf .25, lift 1.5, score .375.
  // Ranked by confidence × lift, so C beats the more frequent A.
  v1::RecommendProductsResponse c6 = Recommend(6);
  std::vector<std::string> skus;
  for (const auto& recommendation : c6.recommendations()) {
    skus.push_back(recommendation.sku());
    EXPECT_NE(recommendation.sku(), "B-200");
    EXPECT_NE(recommendation.sku(), "E-500");  // only the deleted customer bought it
  }
  EXPECT_THAT(skus, ElementsAre("C-300", "A-100", "D-400"));
  EXPECT_DOUBLE_EQ(c6.recommendations(1).confidence(), 0.75);
  EXPECT_DOUBLE_EQ(c6.recommendations(1).lift(), 0.9);

  // c4 bought everything a live customer bought: nothing to recommend.
  EXPECT_EQ(Recommend(4).recommendations_size(), 0);

  v1::RecommendProductsRequest bad;
  bad.set_customer(c_[1]);
  bad.set_min_confidence(1.5);
  v1::RecommendProductsResponse response;
  EXPECT_THAT(Message(service_.RecommendProducts(call_, bad, response)),
              HasSubstr("min_confidence"));
  bad.set_min_confidence(0);
  bad.set_max_results(-1);
  EXPECT_THAT(Message(service_.RecommendProducts(call_, bad, response)), HasSubstr("max_results"));
}

// ACTIVE customers and their last activity (stage entered 500 days ago):
// c1 5d, c2 10d, c3 30d, c4 100d, c5 purchase 400d but interaction 20d,
// c6 60d, c7 none (500d); c8 deleted, c9 LEAD.
TEST_F(InsightMySqlTest, RefreshLifecycleMovesExactlyTheInactiveActiveCustomers) {
  // c10 was won back 200 days ago and has been quiet since: it moves too.
  now_ = kNow - absl::Hours(24 * 200);
  const std::string won_back = MakeCustomer(10, v1::LIFECYCLE_STAGE_ACTIVE);
  for (v1::LifecycleStage to : {v1::LIFECYCLE_STAGE_CHURNED, v1::LIFECYCLE_STAGE_WON_BACK}) {
    v1::TransitionLifecycleStageRequest move;
    move.set_name(won_back);
    move.set_to_stage(to);
    move.set_reason("setup");
    v1::TransitionLifecycleStageResponse moved;
    ASSERT_THAT(customers_.TransitionLifecycleStage(call_, move, moved), IsOk());
  }
  now_ = kNow;
  absl::StatusOr<std::vector<std::string>> preview = Refresh(0, /*dry_run=*/true);
  ASSERT_THAT(preview, IsOk());
  EXPECT_THAT(*preview, ElementsAre(c_[3], c_[6], won_back));
  EXPECT_EQ(StageOf(4), v1::LIFECYCLE_STAGE_ACTIVE);  // a dry run moves nobody

  absl::StatusOr<std::vector<std::string>> moved = Refresh(0, false, "refresh-1");
  ASSERT_THAT(moved, IsOk());
  EXPECT_THAT(*moved, ElementsAre(c_[3], c_[6], won_back));
  for (int customer : {4, 7}) EXPECT_EQ(StageOf(customer), v1::LIFECYCLE_STAGE_AT_RISK);
  for (int customer : {1, 2, 3, 5, 6}) EXPECT_EQ(StageOf(customer), v1::LIFECYCLE_STAGE_ACTIVE);
  EXPECT_EQ(StageOf(9), v1::LIFECYCLE_STAGE_LEAD);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM lifecycle_transitions WHERE customer_id = ",
                               CustomerId(4), " AND from_stage = ", v1::LIFECYCLE_STAGE_ACTIVE,
                               " AND to_stage = ", v1::LIFECYCLE_STAGE_AT_RISK,
                               " AND automatic = 1 AND actor = 'insights'"
                               " AND reason LIKE 'no purchase or interaction for 100 days%'")),
            1);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM lifecycle_transitions WHERE automatic = 1 "
                               "AND from_stage = ",
                               v1::LIFECYCLE_STAGE_WON_BACK, " AND customer_id = ", Id(won_back))),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM lifecycle_transitions WHERE automatic = 1"), 3);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM audit_entries WHERE resource = '", c_[3],
                               "' AND action = 5 AND request_id = 'refresh-1'")),
            1);

  // A replay returns the first answer and moves nobody again.
  absl::StatusOr<std::vector<std::string>> replay = Refresh(0, false, "refresh-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_THAT(*replay, ElementsAre(c_[3], c_[6], won_back));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM lifecycle_transitions WHERE automatic = 1"), 3);
  EXPECT_EQ(Refresh(50, false, "refresh-1").status().code(), absl::StatusCode::kAlreadyExists);

  // A 50-day threshold also catches c6 (60 days); the AT_RISK ones are done.
  absl::StatusOr<std::vector<std::string>> stricter = Refresh(50, false);
  ASSERT_THAT(stricter, IsOk());
  EXPECT_THAT(*stricter, ElementsAre(c_[5]));
  absl::StatusOr<std::vector<std::string>> none = Refresh(50, false);
  ASSERT_THAT(none, IsOk());
  EXPECT_TRUE(none->empty());

  EXPECT_THAT(Message(Refresh(-1, false).status()), HasSubstr("inactivity_days"));
  EXPECT_THAT(Message(Refresh(0, false, "bad id!").status()), HasSubstr("request_id"));
}

TEST_F(InsightMySqlTest, SalesPlanCombinesStageHealthCasesAndRecommendations) {
  // c2 is healthy (10d +20, trend 1 vs 0 +10, no interactions −10 = 70): offers only,
  // priced by QuotePrice where the SKU has a list price (C-300 only).
  Sql("INSERT INTO price_list_entries (sku, description, list_price_minor, currency, valid_from, "
      "valid_until, version, create_time, update_time) VALUES ('C-300', '', 4500, 'EUR', "
      "'2024-01-01', NULL, 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00')");
  v1::GetSalesPlanRequest request;
  request.set_customer(c_[1]);
  v1::GetSalesPlanResponse response;
  ASSERT_THAT(service_.GetSalesPlan(call_, request, response), IsOk());
  const v1::SalesPlan& plan = response.sales_plan();
  EXPECT_EQ(plan.account_manager(), "employees/2");
  std::vector<int> kinds;
  for (const v1::NextBestAction& action : plan.actions()) {
    kinds.push_back(action.kind());
    EXPECT_EQ(action.owner(), "employees/2");
  }
  EXPECT_THAT(kinds, ElementsAre(v1::NEXT_BEST_ACTION_KIND_OFFER_PRODUCT,
                                 v1::NEXT_BEST_ACTION_KIND_OFFER_PRODUCT,
                                 v1::NEXT_BEST_ACTION_KIND_REQUEST_FEEDBACK));
  EXPECT_EQ(plan.actions(0).sku(), "C-300");
  EXPECT_EQ(plan.actions(1).sku(), "D-400");
  EXPECT_EQ(plan.actions(0).offer_price().amount_minor(), 4500);
  EXPECT_EQ(plan.actions(0).offer_price().currency_code(), "EUR");
  EXPECT_FALSE(plan.actions(1).has_offer_price());  // D-400 has no list price
  EXPECT_THAT(plan.actions(0).rationale(), HasSubstr("also bought C-300"));
  EXPECT_EQ(plan.actions(0).due_date().day(), 15);  // 2024-06-01 + 14 days
  EXPECT_EQ(plan.actions(0).due_date().month(), 6);

  // c4 goes AT_RISK; with an open case it gets a retention call and a follow-up.
  ASSERT_THAT(Refresh(0, false), IsOk());
  ServiceCase(4, /*PENDING*/ 2, 3, -5);  // SLA due in 5 days: open, not breached
  request.set_customer(c_[3]);
  request.set_max_actions(2);
  ASSERT_THAT(service_.GetSalesPlan(call_, request, response), IsOk());
  const v1::SalesPlan& at_risk = response.sales_plan();
  ASSERT_EQ(at_risk.actions_size(), 2);
  EXPECT_EQ(at_risk.actions(0).kind(), v1::NEXT_BEST_ACTION_KIND_RETENTION_CALL);
  EXPECT_EQ(at_risk.actions(0).owner(), "employees/4");
  EXPECT_THAT(at_risk.actions(0).rationale(), HasSubstr("AT_RISK"));
  EXPECT_EQ(at_risk.actions(0).due_date().day(), 3);
  EXPECT_EQ(at_risk.actions(1).kind(), v1::NEXT_BEST_ACTION_KIND_SERVICE_FOLLOW_UP);
  EXPECT_EQ(at_risk.actions(1).due_date().day(), 4);
  EXPECT_EQ(at_risk.actions(1).priority(), 2);

  request.set_max_actions(-3);
  EXPECT_THAT(Message(service_.GetSalesPlan(call_, request, response)), HasSubstr("max_actions"));
}

// M is ranked within the main currency: two USD customers are ranked against
// each other only (ranks 1 and 2 of 2 → 1 and 1 + floor(5/2) = 3), while the
// EUR customers' M stays as before (c3 still 5). R and F now rank 8 customers.
TEST_F(InsightMySqlTest, MonetaryScoresAreComparedWithinTheMainCurrency) {
  now_ = kNow - absl::Hours(24 * 500);
  const std::string small = MakeCustomer(10, v1::LIFECYCLE_STAGE_ACTIVE);
  const std::string large = MakeCustomer(11, v1::LIFECYCLE_STAGE_ACTIVE);
  now_ = kNow;
  c_.push_back(small);
  c_.push_back(large);
  Purchase(10, "A-100", 100, 3);
  Purchase(11, "A-100", 900000, 3);
  Sql(absl::StrCat("UPDATE purchases SET currency = 'USD' WHERE customer_id IN (", Id(small), ", ",
                   Id(large), ")"));
  Purchase(11, "B-200", 50, 300);  // a small EUR purchase does not change the main currency
  const v1::RfmScores usd_small = Rfm(10);
  const v1::RfmScores usd_large = Rfm(11);
  EXPECT_EQ(usd_small.monetary_amount().currency_code(), "USD");
  EXPECT_EQ(usd_small.monetary_score(), 1);
  EXPECT_EQ(usd_large.monetary_amount().currency_code(), "USD");
  EXPECT_EQ(usd_large.monetary_amount().amount_minor(), 900000);
  EXPECT_EQ(usd_large.monetary_score(), 3);
  EXPECT_EQ(Rfm(3).monetary_score(), 5);
  EXPECT_EQ(Rfm(3).monetary_amount().amount_minor(), 50000);
}

}  // namespace
}  // namespace crm::customer
