// ScorecardService with the MySQL repository on a hand-computed dataset
// (period 2024-01-01 .. 2024-12-31):
//   A (COMPONENT): delivered X 100 @ 10 (95 ok, 5 defective, on time, rating 5),
//                  delivered Y 10 @ 50 (10 ok, late, rating 3), a cancelled order
//                  and one created before the period (both ignored).
//   B (COMPONENT): delivered X 300 @ 12 (280 ok, 20 defective, on time, rating 4),
//                  open Y 10 @ 40.
//   C (TECHNOLOGY): confirmed Z 5 @ 100 (no peers, nothing delivered).
#include <string>
#include <vector>

#include "common/mysql/migrations.h"
#include "common/mysql/pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "supplier_svc/domain/scorecard_service.h"
#include "supplier_svc/domain/supplier_service.h"
#include "supplier_svc/handlers/supplier_services.h"
#include "supplier_svc/repository/mysql_scorecard_repository.h"
#include "supplier_svc/repository/mysql_supplier_repository.h"
#include "tests/supplier_svc/mysql/procurement_test_data.h"
#include "tests/supplier_svc/mysql/supplier_db_test.h"
#include "tests/support/test_database.h"

namespace crm::supplier {
namespace {

using ::crm::test_support::IsOk;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using test_data::Delivery;
using test_data::Line;

crm::common::v1::Date MakeDate(int y, int m, int d) {
  crm::common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

class ScorecardMySqlTest : public SupplierDbTest {
 protected:
  ScorecardMySqlTest()
      : SupplierDbTest(absl::FromUnixSeconds(1735689600)),
        supplier_repository_(pool_),
        suppliers_(supplier_repository_, [this] { return now_; }),
        repository_(pool_),
        service_(repository_, [this] { return now_; }),
        data_(pool_, suppliers_, call_) {}

  void LoadDataset() {
    a_ = data_.Supplier(kUnicodeName, v1::SUPPLIER_CATEGORY_COMPONENT, "2020-01-01");
    b_ = data_.Supplier("Bolt Works", v1::SUPPLIER_CATEGORY_COMPONENT);
    c_ = data_.Supplier("Chip Co", v1::SUPPLIER_CATEGORY_TECHNOLOGY);
    data_.Order(a_, v1::PURCHASE_ORDER_STATUS_DELIVERED, "2024-03-01", {{"X", 100, 10}},
                Delivery{"2024-03-10", true, 95, 5, 5});
    data_.Order(a_, v1::PURCHASE_ORDER_STATUS_DELIVERED, "2024-05-01", {{"Y", 10, 50}},
                Delivery{"2024-05-20", false, 10, 0, 3});
    data_.Order(a_, v1::PURCHASE_ORDER_STATUS_CANCELLED, "2024-06-01", {{"X", 1000, 1}});
    data_.Order(a_, v1::PURCHASE_ORDER_STATUS_OPEN, "2023-06-01", {{"X", 100, 100}});
    data_.Order(b_, v1::PURCHASE_ORDER_STATUS_DELIVERED, "2024-04-01", {{"X", 300, 12}},
                Delivery{"2024-04-05", true, 280, 20, 4});
    data_.Order(b_, v1::PURCHASE_ORDER_STATUS_OPEN, "2024-07-01", {{"Y", 10, 40}});
    data_.Order(c_, v1::PURCHASE_ORDER_STATUS_CONFIRMED, "2024-08-01", {{"Z", 5, 100}});
  }

  v1::Scorecard Score(int64_t id) {
    v1::GetScorecardRequest request;
    request.set_supplier(test_data::SupplierName(id));
    *request.mutable_period_start_date() = MakeDate(2024, 1, 1);
    *request.mutable_period_end_date() = MakeDate(2024, 12, 31);
    v1::GetScorecardResponse response;
    absl::Status status = service_.GetScorecard(call_, request, response);
    EXPECT_TRUE(status.ok()) << status;
    return response.scorecard();
  }

  v1::ScorecardWeights Weights() {
    v1::GetScorecardWeightsRequest request;
    request.set_name("scorecardWeights");
    v1::GetScorecardWeightsResponse response;
    EXPECT_THAT(service_.GetScorecardWeights(call_, request, response), IsOk());
    return response.scorecard_weights();
  }

  absl::StatusOr<v1::ScorecardWeights> Update(const v1::ScorecardWeights& weights,
                                              std::vector<std::string> paths) {
    v1::UpdateScorecardWeightsRequest request;
    *request.mutable_scorecard_weights() = weights;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::UpdateScorecardWeightsResponse response;
    absl::Status status = service_.UpdateScorecardWeights(call_, request, response);
    if (!status.ok()) return status;
    return response.scorecard_weights();
  }

  const std::string kUnicodeName = "Acme 'Teile'; DROP TABLE x -- \xC3\xA4\xE2\x9C\x93";
  MySqlSupplierRepository supplier_repository_;
  SupplierService suppliers_;
  MySqlScorecardRepository repository_;
  ScorecardService service_;
  test_data::ProcurementData data_;
  int64_t a_ = 0, b_ = 0, c_ = 0;
};

TEST_F(ScorecardMySqlTest, FiguresOfASupplierMatchTheHandCalculation) {
  LoadDataset();
  const v1::Scorecard a = Score(a_);
  EXPECT_EQ(a.supplier(), test_data::SupplierName(a_));
  EXPECT_EQ(a.supplier_display_name(), kUnicodeName);
  EXPECT_EQ(a.accepted_quantity(), 105);
  EXPECT_EQ(a.defective_quantity(), 5);
  EXPECT_EQ(a.quality_score(), 95);  // 105 / 110
  EXPECT_EQ(a.delivered_order_count(), 2);
  EXPECT_EQ(a.on_time_rate_basis_points(), 5000);
  EXPECT_EQ(a.delivery_score(), 50);
  EXPECT_EQ(a.service_score(), 75);  // ratings 5 and 3
  // X: 10 vs B's 12; Y: 50 vs B's 40; weighted by A's units (100, 10).
  EXPECT_THAT(a.price_index(), DoubleNear((100 * (10.0 / 12) + 10 * 1.25) / 110, 1e-9));
  EXPECT_EQ(a.cost_score(), 63);
  EXPECT_EQ(a.spend().amount_minor(), 1500);  // cancelled and pre-period orders excluded
  EXPECT_EQ(a.spend().currency_code(), "EUR");
  EXPECT_EQ(a.spend_share_basis_points(), 2727);  // 1500 / (1500 + 4000)
  EXPECT_EQ(a.relationship_days(), 1826);         // 2020-01-01 .. 2024-12-31
  // (95*30 + 63*25 + 50*30 + 75*15) / 100 = 70.5
  EXPECT_EQ(a.overall_score(), 71);
  EXPECT_EQ(a.recommendation(), v1::SUPPLIER_RECOMMENDATION_MAINTAIN);
  EXPECT_EQ(a.period_start_date().year(), 2024);
  EXPECT_EQ(a.period_end_date().month(), 12);

  const v1::Scorecard b = Score(b_);
  EXPECT_EQ(b.quality_score(), 93);  // 280 / 300
  EXPECT_EQ(b.delivery_score(), 100);
  EXPECT_EQ(b.service_score(), 75);
  EXPECT_THAT(b.price_index(), DoubleNear((300 * 1.2 + 10 * 0.8) / 310, 1e-9));
  EXPECT_EQ(b.cost_score(), 31);
  EXPECT_EQ(b.spend().amount_minor(), 4000);
  EXPECT_EQ(b.spend_share_basis_points(), 7273);
  EXPECT_EQ(b.overall_score(), 77);  // (93*30 + 31*25 + 100*30 + 75*15) / 100 = 76.9
}

TEST_F(ScorecardMySqlTest, SupplierWithoutDataHasNoRecommendation) {
  LoadDataset();
  const v1::Scorecard c = Score(c_);
  EXPECT_EQ(c.delivered_order_count(), 0);
  EXPECT_EQ(c.price_index(), 0);  // Z has no other supplier
  EXPECT_EQ(c.overall_score(), 0);
  EXPECT_EQ(c.recommendation(), v1::SUPPLIER_RECOMMENDATION_UNSPECIFIED);
  EXPECT_EQ(c.spend().amount_minor(), 500);
  EXPECT_EQ(c.spend_share_basis_points(), 10000);  // alone in TECHNOLOGY
}

TEST_F(ScorecardMySqlTest, GetScorecardErrors) {
  v1::GetScorecardRequest request;
  v1::GetScorecardResponse response;
  request.set_supplier("suppliers/999");
  absl::Status status = service_.GetScorecard(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr("suppliers/999"));
  request.set_supplier("customers/1");
  status = service_.GetScorecard(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("supplier"));
  request.set_supplier("suppliers/1");
  *request.mutable_period_start_date() = MakeDate(2024, 2, 30);
  status = service_.GetScorecard(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("period_start_date"));
}

TEST_F(ScorecardMySqlTest, ListScorecardsRanksByOverallScoreAcrossPages) {
  LoadDataset();
  std::vector<std::string> names;
  std::vector<int> scores;
  std::string token;
  int pages = 0;
  do {
    v1::ListScorecardsRequest request;
    request.set_category(v1::SUPPLIER_CATEGORY_COMPONENT);
    *request.mutable_period_start_date() = MakeDate(2024, 1, 1);
    *request.mutable_period_end_date() = MakeDate(2024, 12, 31);
    request.set_page_size(1);
    request.set_page_token(token);
    v1::ListScorecardsResponse response;
    ASSERT_THAT(service_.ListScorecards(call_, request, response), IsOk());
    for (const v1::Scorecard& card : response.scorecards()) {
      names.push_back(card.supplier());
      scores.push_back(card.overall_score());
      EXPECT_NE(card.supplier(), test_data::SupplierName(c_));
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 5);
  EXPECT_THAT(names, ElementsAre(test_data::SupplierName(b_), test_data::SupplierName(a_)));
  EXPECT_THAT(scores, ElementsAre(77, 71));
  EXPECT_EQ(pages, 2);
}

TEST_F(ScorecardMySqlTest, ListScorecardsFiltersAndOrdersBySpend) {
  LoadDataset();
  v1::ListScorecardsRequest request;
  *request.mutable_period_start_date() = MakeDate(2024, 1, 1);
  *request.mutable_period_end_date() = MakeDate(2024, 12, 31);
  request.set_order_by("spend.amount_minor");
  v1::ListScorecardsResponse response;
  ASSERT_THAT(service_.ListScorecards(call_, request, response), IsOk());
  ASSERT_EQ(response.scorecards_size(), 3);
  EXPECT_EQ(response.scorecards(0).supplier(), test_data::SupplierName(c_));
  EXPECT_EQ(response.scorecards(2).supplier(), test_data::SupplierName(b_));
  // Without a category a supplier's share is of its own categories' spend.
  EXPECT_EQ(response.scorecards(1).spend_share_basis_points(), 2727);
  EXPECT_EQ(response.scorecards(0).spend_share_basis_points(), 10000);

  request.set_filter("display_name = \"Bolt*\"");
  response.Clear();
  ASSERT_THAT(service_.ListScorecards(call_, request, response), IsOk());
  ASSERT_EQ(response.scorecards_size(), 1);
  EXPECT_EQ(response.scorecards(0).supplier(), test_data::SupplierName(b_));

  request.set_filter("colour = \"red\"");
  EXPECT_EQ(service_.ListScorecards(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.set_filter("");
  request.set_order_by("rank");
  absl::Status status = service_.ListScorecards(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("order_by"));
  request.set_order_by("");
  request.set_category(static_cast<v1::SupplierCategory>(99));
  status = service_.ListScorecards(call_, request, response);
  EXPECT_THAT(std::string(status.message()), HasSubstr("category"));
  request.set_category(v1::SUPPLIER_CATEGORY_UNSPECIFIED);
  request.set_page_token("garbage");
  status = service_.ListScorecards(call_, request, response);
  EXPECT_THAT(std::string(status.message()), HasSubstr("page_token"));
}

TEST_F(ScorecardMySqlTest, WeightsStartAtTheSeededDefaults) {
  const v1::ScorecardWeights w = Weights();
  EXPECT_EQ(w.name(), "scorecardWeights");
  EXPECT_EQ(w.quality_weight_percent(), 30);
  EXPECT_EQ(w.cost_weight_percent(), 25);
  EXPECT_EQ(w.delivery_weight_percent(), 30);
  EXPECT_EQ(w.service_weight_percent(), 15);
  EXPECT_EQ(w.expand_min_score(), 80);
  EXPECT_EQ(w.maintain_min_score(), 60);
  EXPECT_EQ(w.probation_min_score(), 40);
  EXPECT_FALSE(w.etag().empty());
  v1::GetScorecardWeightsRequest request;
  request.set_name("weights");
  v1::GetScorecardWeightsResponse response;
  absl::Status status = service_.GetScorecardWeights(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("name"));
}

TEST_F(ScorecardMySqlTest, UpdatedWeightsChangeTheScoreAndOnlyMaskedFields) {
  LoadDataset();
  v1::ScorecardWeights patch = Weights();
  patch.set_quality_weight_percent(20);
  patch.set_cost_weight_percent(35);
  patch.set_expand_min_score(10);  // outside the mask: untouched
  absl::StatusOr<v1::ScorecardWeights> updated =
      Update(patch, {"quality_weight_percent", "cost_weight_percent"});
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->quality_weight_percent(), 20);
  EXPECT_EQ(updated->cost_weight_percent(), 35);
  EXPECT_EQ(updated->expand_min_score(), 80);
  EXPECT_NE(updated->etag(), patch.etag());
  // (95*20 + 63*35 + 50*30 + 75*15) / 100 = 67.3
  EXPECT_EQ(Score(a_).overall_score(), 67);
  EXPECT_EQ(Weights().cost_weight_percent(), 35);
  EXPECT_EQ(data_.Int("SELECT COUNT(*) FROM audit_entries WHERE resource = 'scorecardWeights'"),
            1);
}

TEST_F(ScorecardMySqlTest, UpdateWeightsRejectsStaleEtagAndBadValues) {
  v1::ScorecardWeights first = Weights();
  v1::ScorecardWeights patch = first;
  patch.set_expand_min_score(85);
  ASSERT_THAT(Update(patch, {"expand_min_score"}), IsOk());
  patch.set_expand_min_score(90);  // still the first etag
  EXPECT_EQ(Update(patch, {"expand_min_score"}).status().code(), absl::StatusCode::kAborted);

  v1::ScorecardWeights current = Weights();
  EXPECT_EQ(current.expand_min_score(), 85);
  current.set_cost_weight_percent(40);
  absl::Status status = Update(current, {"cost_weight_percent"}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("sum to 100"));
  current = Weights();
  current.set_probation_min_score(70);
  status = Update(current, {"probation_min_score"}).status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("scorecard_weights.probation_min_score"));
  status = Update(current, {"etag"}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("update_mask"));
  status = Update(current, {"colour"}).status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("update_mask"));
  current.set_name("other");
  status = Update(current, {"probation_min_score"}).status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("scorecard_weights.name"));
  EXPECT_EQ(Weights().probation_min_score(), 40);
}

}  // namespace
}  // namespace crm::supplier
