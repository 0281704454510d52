// Offering rules without a database: field validation and normalization,
// validity windows and their overlap, update masks, filters, the supplier
// statuses that take offerings, BestPrice requests and candidate ranking.
#include "supplier_svc/domain/offering_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::supplier {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

crm::common::v1::Date MakeDate(int year, int month, int day) {
  crm::common::v1::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

v1::Offering Valid() {
  v1::Offering offering;
  offering.set_supplier("suppliers/1");
  offering.set_item("SKU-1");
  offering.mutable_unit_price()->set_amount_minor(1250);
  offering.mutable_unit_price()->set_currency_code("EUR");
  offering.set_minimum_quantity(10);
  offering.set_lead_time_days(5);
  *offering.mutable_valid_from() = MakeDate(2024, 1, 1);
  return offering;
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

TEST(NormalizeOfferingTest, AcceptsAValidOfferingAndDefaultsMinimumQuantity) {
  v1::Offering offering = Valid();
  offering.set_minimum_quantity(0);
  ASSERT_TRUE(NormalizeOffering(offering).ok());
  EXPECT_EQ(offering.minimum_quantity(), 1);
  EXPECT_FALSE(offering.has_valid_until());
}

TEST(NormalizeOfferingTest, RejectsEachBadFieldNamingIt) {
  struct Case {
    std::function<void(v1::Offering&)> change;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::Offering& o) { o.set_supplier("customers/1"); }, "offering.supplier"},
      {[](v1::Offering& o) { o.clear_supplier(); }, "offering.supplier"},
      {[](v1::Offering& o) { o.set_item(""); }, "offering.item"},
      {[](v1::Offering& o) { o.set_item(std::string(65, 'x')); }, "offering.item"},
      {[](v1::Offering& o) { o.set_item("bad\xC0\xAF"); }, "offering.item"},
      {[](v1::Offering& o) { o.set_supplier_item_code(std::string(101, 'c')); },
       "offering.supplier_item_code"},
      {[](v1::Offering& o) { o.set_description(std::string(10001, 'd')); }, "offering.description"},
      {[](v1::Offering& o) { o.clear_unit_price(); }, "offering.unit_price: required"},
      {[](v1::Offering& o) { o.mutable_unit_price()->set_currency_code("EURO"); },
       "offering.unit_price.currency_code"},
      {[](v1::Offering& o) { o.mutable_unit_price()->set_amount_minor(-1); },
       "offering.unit_price.amount_minor: must not be negative"},
      {[](v1::Offering& o) { o.set_minimum_quantity(-5); }, "offering.minimum_quantity"},
      {[](v1::Offering& o) { o.set_lead_time_days(-1); }, "offering.lead_time_days"},
      {[](v1::Offering& o) { o.set_lead_time_days(3651); }, "offering.lead_time_days"},
      {[](v1::Offering& o) { *o.mutable_valid_from() = MakeDate(2023, 2, 29); },
       "offering.valid_from"},
      {[](v1::Offering& o) { *o.mutable_valid_until() = MakeDate(2023, 12, 31); },
       "offering.valid_until: 2023-12-31 is before valid_from 2024-01-01"},
      {[](v1::Offering& o) { o.set_contract("contracts/x"); }, "offering.contract"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    v1::Offering offering = Valid();
    cases[i].change(offering);
    absl::Status status = NormalizeOffering(offering);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << "case " << i;
    EXPECT_THAT(Message(status), HasSubstr(cases[i].message)) << "case " << i;
  }
}

TEST(NormalizeOfferingTest, AcceptsAOneDayWindowAndAFreeItem) {
  v1::Offering offering = Valid();
  *offering.mutable_valid_until() = MakeDate(2024, 1, 1);
  offering.mutable_unit_price()->set_amount_minor(0);
  EXPECT_TRUE(NormalizeOffering(offering).ok());
}

TEST(ValidityWindowTest, OverlapIsInclusiveAndOpenEndsReachEverywhere) {
  const ValidityWindow jan{{2024, 1, 1}, common::CalendarDate{2024, 1, 31}};
  const ValidityWindow feb{{2024, 2, 1}, common::CalendarDate{2024, 2, 29}};
  const ValidityWindow last_of_jan{{2024, 1, 31}, common::CalendarDate{2024, 1, 31}};
  const ValidityWindow from_march{{2024, 3, 1}, std::nullopt};
  const ValidityWindow from_2020{{2020, 1, 1}, std::nullopt};
  EXPECT_FALSE(WindowsOverlap(jan, feb));
  EXPECT_FALSE(WindowsOverlap(feb, jan));
  EXPECT_TRUE(WindowsOverlap(jan, last_of_jan));  // sharing one day is an overlap
  EXPECT_TRUE(WindowsOverlap(last_of_jan, jan));
  EXPECT_FALSE(WindowsOverlap(feb, from_march));
  EXPECT_TRUE(WindowsOverlap(from_march, from_2020));
  EXPECT_TRUE(WindowsOverlap(jan, from_2020));
  EXPECT_TRUE(WindowContains(jan, {2024, 1, 31}));
  EXPECT_FALSE(WindowContains(jan, {2024, 2, 1}));
  EXPECT_FALSE(WindowContains(jan, {2023, 12, 31}));
  EXPECT_TRUE(WindowContains(from_march, {9999, 12, 31}));
  EXPECT_EQ(FormatWindow(jan), "2024-01-01..2024-01-31");
  EXPECT_EQ(FormatWindow(from_march), "2024-03-01..open-ended");
}

TEST(ValidityWindowTest, FindsTheOverlappingOfferingAndNamesIt) {
  StoredOffering ended;
  ended.offering = Valid();
  ended.offering.set_name("offerings/7");
  *ended.offering.mutable_valid_from() = MakeDate(2023, 1, 1);
  *ended.offering.mutable_valid_until() = MakeDate(2023, 12, 31);
  StoredOffering open;
  open.offering = Valid();
  open.offering.set_name("offerings/8");
  *open.offering.mutable_valid_from() = MakeDate(2024, 6, 1);

  const std::vector<StoredOffering> others = {ended, open};
  v1::Offering first_half = Valid();
  *first_half.mutable_valid_until() = MakeDate(2024, 5, 31);
  EXPECT_EQ(FindOverlappingOffering(first_half, others), nullptr);

  v1::Offering whole_year = Valid();
  *whole_year.mutable_valid_until() = MakeDate(2024, 12, 31);
  const StoredOffering* other = FindOverlappingOffering(whole_year, others);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->offering.name(), "offerings/8");
  absl::Status error = OverlapError(whole_year, *other);
  EXPECT_EQ(error.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(error), HasSubstr("2024-01-01..2024-12-31 overlaps offerings/8 (valid "
                                        "2024-06-01..open-ended)"));
}

TEST(OfferingUpdateMaskTest, SupplierItemAndOutputFieldsAreNotUpdatable) {
  google::protobuf::FieldMask mask;
  mask.add_paths("unit_price");
  mask.add_paths("valid_until");
  EXPECT_TRUE(ValidateOfferingUpdateMask(mask).ok());
  for (const std::string path : {"supplier", "item", "etag", "name", "create_time",
                                 "original_supplier", "delete_time", "no_such_field"}) {
    google::protobuf::FieldMask bad;
    bad.add_paths(path);
    absl::Status status = ValidateOfferingUpdateMask(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(Message(status), HasSubstr("update_mask")) << path;
    EXPECT_THAT(Message(status), HasSubstr(path)) << path;
  }
  EXPECT_EQ(ValidateOfferingUpdateMask(google::protobuf::FieldMask()).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SupplierTakesOfferingsTest, OnlyLiveSuppliersThatAreNotRetired) {
  v1::Supplier supplier;
  supplier.set_name("suppliers/3");
  for (v1::SupplierStatus status : {v1::SUPPLIER_STATUS_PROSPECTIVE, v1::SUPPLIER_STATUS_ACTIVE,
                                    v1::SUPPLIER_STATUS_PREFERRED, v1::SUPPLIER_STATUS_ON_HOLD}) {
    supplier.set_status(status);
    EXPECT_TRUE(CheckSupplierTakesOfferings(supplier).ok()) << status;
  }
  supplier.set_status(v1::SUPPLIER_STATUS_TERMINATED);
  absl::Status terminated = CheckSupplierTakesOfferings(supplier);
  EXPECT_EQ(terminated.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(terminated), HasSubstr("suppliers/3 is TERMINATED"));
  supplier.set_status(v1::SUPPLIER_STATUS_CONSOLIDATED);
  supplier.set_consolidated_into("suppliers/9");
  absl::Status consolidated = CheckSupplierTakesOfferings(supplier);
  EXPECT_EQ(consolidated.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(consolidated), HasSubstr("CONSOLIDATED into suppliers/9"));
  supplier.set_status(v1::SUPPLIER_STATUS_ACTIVE);
  supplier.mutable_delete_time()->set_seconds(1);
  EXPECT_THAT(Message(CheckSupplierTakesOfferings(supplier)), HasSubstr("is deleted"));
}

TEST(OfferingFilterTest, ResolvesKnownFieldsAndRejectsOthers) {
  absl::StatusOr<std::vector<OfferingCondition>> conditions = ParseOfferingFilter(
      "supplier = suppliers/4 AND item = \"SKU 1\" AND valid_from >= 2024-01-01 AND "
      "unit_price.currency_code = eur");
  ASSERT_TRUE(conditions.ok()) << conditions.status();
  ASSERT_EQ(conditions->size(), 4u);
  EXPECT_EQ((*conditions)[0].column, OfferingColumn::kSupplier);
  EXPECT_EQ(std::get<int64_t>((*conditions)[0].value), 4);
  EXPECT_EQ(std::get<std::string>((*conditions)[1].value), "SKU 1");
  EXPECT_EQ((*conditions)[2].match, common::Match::kGreaterOrEqual);
  EXPECT_EQ(std::get<std::string>((*conditions)[3].value), "EUR");
  absl::Status unknown = ParseOfferingFilter("price = 3").status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(unknown), HasSubstr("price"));
  EXPECT_FALSE(ParseOfferingFilter("valid_from = yesterday").ok());

  OfferingOrder order;
  bool descending = false;
  ASSERT_TRUE(ParseOfferingOrder("unit_price.amount_minor desc", order, descending).ok());
  EXPECT_EQ(order, OfferingOrder::kUnitPrice);
  EXPECT_TRUE(descending);
  ASSERT_TRUE(ParseOfferingOrder("", order, descending).ok());
  EXPECT_EQ(order, OfferingOrder::kItem);
  EXPECT_FALSE(descending);
  EXPECT_THAT(Message(ParseOfferingOrder("lead_time_days", order, descending)),
              HasSubstr("order_by"));
}

TEST(BestPriceRequestTest, ValidatesEachFieldAndDefaultsTheDate) {
  v1::BestPriceRequest request;
  request.set_item("SKU-1");
  request.set_quantity(5);
  absl::StatusOr<PriceCandidateQuery> query = MakePriceCandidateQuery(request, {2024, 3, 4});
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->date, (common::CalendarDate{2024, 3, 4}));
  EXPECT_EQ(query->quantity, 5);

  *request.mutable_price_date() = MakeDate(2025, 1, 2);
  request.set_currency_code("USD");
  request.set_max_lead_time_days(7);
  query = MakePriceCandidateQuery(request, {2024, 3, 4});
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->date, (common::CalendarDate{2025, 1, 2}));
  EXPECT_EQ(query->currency_code, "USD");
  EXPECT_EQ(query->max_lead_time_days, 7);

  struct Case {
    std::function<void(v1::BestPriceRequest&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](v1::BestPriceRequest& r) { r.clear_item(); }, "item"},
      {[](v1::BestPriceRequest& r) { r.set_quantity(0); }, "quantity"},
      {[](v1::BestPriceRequest& r) { r.set_quantity(-3); }, "quantity"},
      {[](v1::BestPriceRequest& r) { *r.mutable_price_date() = MakeDate(2024, 13, 1); },
       "price_date"},
      {[](v1::BestPriceRequest& r) { r.set_currency_code("usd"); }, "currency_code"},
      {[](v1::BestPriceRequest& r) { r.set_max_lead_time_days(-1); }, "max_lead_time_days"},
  };
  for (const Case& c : cases) {
    v1::BestPriceRequest bad = request;
    c.change(bad);
    absl::Status status = MakePriceCandidateQuery(bad, {2024, 3, 4}).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(Message(status), ::testing::StartsWith(c.field + ":")) << status;
  }
}

PriceCandidateRow Row(int64_t id, int64_t unit, int32_t lead, v1::SupplierStatus status,
                      std::string currency = "EUR") {
  PriceCandidateRow row;
  row.offering_id = id;
  row.supplier_id = 100 + id;
  row.supplier_display_name = "Supplier " + std::to_string(id);
  row.supplier_status = status;
  row.unit_price_minor = unit;
  row.currency_code = std::move(currency);
  row.lead_time_days = lead;
  row.from_contract = id == 2;
  return row;
}

std::vector<std::string> Offerings(const std::vector<v1::PriceCandidate>& candidates) {
  std::vector<std::string> names;
  for (const auto& c : candidates) names.push_back(c.offering());
  return names;
}

TEST(RankPriceCandidatesTest, CheapestTotalThenLeadTimeThenPreferred) {
  const auto active = v1::SUPPLIER_STATUS_ACTIVE;
  const auto preferred = v1::SUPPLIER_STATUS_PREFERRED;
  absl::StatusOr<std::vector<v1::PriceCandidate>> ranked =
      RankPriceCandidates({Row(1, 500, 3, active), Row(2, 400, 9, active), Row(3, 400, 2, active),
                           Row(4, 400, 2, preferred), Row(5, 900, 1, preferred)},
                          /*quantity=*/3);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_THAT(Offerings(*ranked), ElementsAre("offerings/4", "offerings/3", "offerings/2",
                                              "offerings/1", "offerings/5"));
  const v1::PriceCandidate& best = (*ranked)[0];
  EXPECT_EQ(best.supplier(), "suppliers/104");
  EXPECT_EQ(best.supplier_display_name(), "Supplier 4");
  EXPECT_EQ(best.unit_price().amount_minor(), 400);
  EXPECT_EQ(best.total_price().amount_minor(), 1200);
  EXPECT_EQ(best.total_price().currency_code(), "EUR");
  EXPECT_EQ(best.lead_time_days(), 2);
  EXPECT_FALSE(best.from_contract());
  EXPECT_TRUE((*ranked)[2].from_contract());
}

TEST(RankPriceCandidatesTest, GroupsByCurrencyAndRejectsOverflowingTotals) {
  const auto active = v1::SUPPLIER_STATUS_ACTIVE;
  absl::StatusOr<std::vector<v1::PriceCandidate>> ranked = RankPriceCandidates(
      {Row(1, 300, 1, active, "USD"), Row(2, 100, 1, active, "USD"), Row(3, 200, 1, active)}, 1);
  ASSERT_TRUE(ranked.ok());
  EXPECT_THAT(Offerings(*ranked), ElementsAre("offerings/3", "offerings/2", "offerings/1"));
  EXPECT_TRUE(RankPriceCandidates({}, 1)->empty());

  absl::Status overflow =
      RankPriceCandidates({Row(1, 9'000'000'000'000, 1, active)}, 1'000'000'000).status();
  EXPECT_EQ(overflow.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(overflow), HasSubstr("quantity"));
}

}  // namespace
}  // namespace crm::supplier
