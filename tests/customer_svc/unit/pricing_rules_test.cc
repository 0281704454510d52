// Pricing rules without a database: money math and rounding, validity
// windows, the precedence of special price, tier discount and list price in
// ComputeQuote, and the validation of the three pricing resources.
#include "customer_svc/domain/pricing_rules.h"

#include <optional>
#include <string>

#include "common/api/calendar_date.h"
#include "common/api/money.h"
#include "customer_svc/domain/pricing_validation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace crm::customer {
namespace {

using common::CalendarDate;
using ::testing::HasSubstr;

constexpr CalendarDate kToday{2024, 6, 15};

void SetDate(const CalendarDate& date, crm::common::v1::Date* message) {
  common::ToDateMessage(date, message);
}

v1::PriceListEntry ListPrice(const std::string& name, int64_t amount, const std::string& currency,
                             CalendarDate from, std::optional<CalendarDate> until = std::nullopt,
                             const std::string& sku = "SKU-1") {
  v1::PriceListEntry entry;
  entry.set_name(name);
  entry.set_sku(sku);
  entry.mutable_list_price()->set_amount_minor(amount);
  entry.mutable_list_price()->set_currency_code(currency);
  SetDate(from, entry.mutable_valid_from());
  if (until.has_value()) SetDate(*until, entry.mutable_valid_until());
  return entry;
}

v1::TierDiscount Discount(const std::string& name, v1::Tier tier, int32_t basis_points,
                          CalendarDate from, std::optional<CalendarDate> until = std::nullopt,
                          const std::string& sku = "SKU-1", int64_t min_quantity = 0) {
  v1::TierDiscount discount;
  discount.set_name(name);
  discount.set_tier(tier);
  discount.set_sku(sku);
  discount.set_discount_basis_points(basis_points);
  discount.set_min_quantity(min_quantity);
  SetDate(from, discount.mutable_valid_from());
  if (until.has_value()) SetDate(*until, discount.mutable_valid_until());
  return discount;
}

v1::SpecialPrice Special(const std::string& name, int64_t amount, CalendarDate from,
                         CalendarDate until, int64_t min_quantity = 0,
                         const std::string& currency = "EUR", const std::string& sku = "SKU-1") {
  v1::SpecialPrice price;
  price.set_name(name);
  price.set_sku(sku);
  price.mutable_unit_price()->set_amount_minor(amount);
  price.mutable_unit_price()->set_currency_code(currency);
  price.set_min_quantity(min_quantity);
  SetDate(from, price.mutable_valid_from());
  SetDate(until, price.mutable_valid_until());
  return price;
}

QuoteInput Input(int64_t quantity = 3, v1::Tier tier = v1::TIER_GOLD) {
  QuoteInput input;
  input.customer = "customers/7";
  input.tier = tier;
  input.sku = "SKU-1";
  input.quantity = quantity;
  input.date = kToday;
  return input;
}

// List price 100.00 EUR, GOLD 5% off, special price 90.00 EUR for customers/7.
PricingCandidates AllThree() {
  PricingCandidates candidates;
  candidates.list_prices.push_back(
      ListPrice("priceListEntries/1", 10000, "EUR", {2024, 1, 1}, CalendarDate{2024, 12, 31}));
  candidates.tier_discounts.push_back(
      Discount("tierDiscounts/2", v1::TIER_GOLD, 500, {2024, 1, 1}, CalendarDate{2024, 9, 30}));
  candidates.special_prices.push_back(
      Special("customers/7/specialPrices/3", 9000, {2024, 6, 1}, {2024, 6, 30}));
  return candidates;
}

TEST(PricingMathTest, DiscountRoundsHalfUpInMinorUnits) {
  EXPECT_EQ(DiscountedPriceHalfUp(1999, 250), 1949);  // 1949.025
  EXPECT_EQ(DiscountedPriceHalfUp(1010, 500), 960);   // 959.5, exactly half: up
  EXPECT_EQ(DiscountedPriceHalfUp(1009, 500), 959);   // 958.55
  EXPECT_EQ(DiscountedPriceHalfUp(1001, 500), 951);   // 950.95
  EXPECT_EQ(DiscountedPriceHalfUp(1, 5000), 1);       // 0.5
  EXPECT_EQ(DiscountedPriceHalfUp(1, 5001), 0);       // 0.4999
  EXPECT_EQ(DiscountedPriceHalfUp(12345, 10000), 0);
  EXPECT_EQ(DiscountedPriceHalfUp(12345, 0), 12345);
  EXPECT_EQ(DiscountedPriceHalfUp(0, 250), 0);
}

TEST(PricingMathTest, DiscountOfTheLargestAmountDoesNotOverflow) {
  // 9e15 × 9999 exceeds int64; the result 8 999 100 000 000 000 is exact.
  EXPECT_EQ(DiscountedPriceHalfUp(common::kMaxMoneyMinor, 1), 8'999'100'000'000'000);
  EXPECT_EQ(DiscountBasisPointsHalfUp(common::kMaxMoneyMinor, common::kMaxMoneyMinor / 2), 5000);
}

TEST(PricingMathTest, DiscountBasisPointsRoundHalfUp) {
  EXPECT_EQ(DiscountBasisPointsHalfUp(10000, 9000), 1000);
  EXPECT_EQ(DiscountBasisPointsHalfUp(3, 2), 3333);       // 3333.33
  EXPECT_EQ(DiscountBasisPointsHalfUp(3, 1), 6667);       // 6666.67
  EXPECT_EQ(DiscountBasisPointsHalfUp(20000, 19999), 1);  // 0.5 bp: up
  EXPECT_EQ(DiscountBasisPointsHalfUp(1000, 1000), 0);
  EXPECT_EQ(DiscountBasisPointsHalfUp(1000, 1200), 0);
  EXPECT_EQ(DiscountBasisPointsHalfUp(0, 0), 0);
}

TEST(PricingMathTest, FormatsBasisPointsAsPercent) {
  EXPECT_EQ(FormatBasisPointsPercent(500), "5%");
  EXPECT_EQ(FormatBasisPointsPercent(250), "2.5%");
  EXPECT_EQ(FormatBasisPointsPercent(1), "0.01%");
  EXPECT_EQ(FormatBasisPointsPercent(1234), "12.34%");
  EXPECT_EQ(FormatBasisPointsPercent(10000), "100%");
}

TEST(ValidityTest, PeriodsIncludeBothEndsAndOpenEndsNever) {
  const CalendarDate from{2024, 1, 1};
  const CalendarDate until{2024, 1, 31};
  EXPECT_TRUE(ValidOn(from, until, from));
  EXPECT_TRUE(ValidOn(from, until, until));
  EXPECT_FALSE(ValidOn(from, until, {2023, 12, 31}));
  EXPECT_FALSE(ValidOn(from, until, {2024, 2, 1}));
  EXPECT_TRUE(ValidOn(from, std::nullopt, {9999, 12, 31}));
}

TEST(ValidityTest, OverlapIsInclusiveAndOpenEndedOverlapsEverythingLater) {
  const CalendarDate jan1{2024, 1, 1};
  const CalendarDate jan31{2024, 1, 31};
  const CalendarDate feb1{2024, 2, 1};
  EXPECT_FALSE(PeriodsOverlap(jan1, jan31, feb1, std::nullopt));  // back to back
  EXPECT_TRUE(PeriodsOverlap(jan1, jan31, jan31, std::nullopt));  // share a day
  EXPECT_TRUE(PeriodsOverlap(feb1, std::nullopt, jan1, std::nullopt));
  EXPECT_TRUE(PeriodsOverlap(jan1, std::nullopt, {2030, 1, 1}, CalendarDate{2030, 1, 2}));
  EXPECT_FALSE(PeriodsOverlap(feb1, std::nullopt, jan1, jan31));
}

TEST(ValidityTest, MinimumQuantityZeroAndOneMeanAny) {
  EXPECT_EQ(EffectiveMinQuantity(0), 1);
  EXPECT_EQ(EffectiveMinQuantity(1), 1);
  EXPECT_EQ(EffectiveMinQuantity(10), 10);
}

TEST(ComputeQuoteTest, SpecialPriceBeatsTierDiscountAndListPrice) {
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(3), AllThree());
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_SPECIAL_PRICE);
  EXPECT_EQ(quote->rule_applied().rule(), "customers/7/specialPrices/3");
  EXPECT_EQ(quote->list_unit_price().amount_minor(), 10000);
  EXPECT_EQ(quote->unit_price().amount_minor(), 9000);
  EXPECT_EQ(quote->total_price().amount_minor(), 27000);
  EXPECT_EQ(quote->total_price().currency_code(), "EUR");
  EXPECT_EQ(quote->discount_basis_points(), 1000);
  EXPECT_EQ(quote->tier(), v1::TIER_GOLD);
  EXPECT_EQ(quote->customer(), "customers/7");
  EXPECT_EQ(common::FromDateMessage(quote->valid_until()), (CalendarDate{2024, 6, 30}));
}

TEST(ComputeQuoteTest, TierDiscountBeatsListPriceWithoutSpecialPrice) {
  PricingCandidates candidates = AllThree();
  candidates.special_prices.clear();
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(3), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  EXPECT_EQ(quote->rule_applied().rule(), "tierDiscounts/2");
  EXPECT_EQ(quote->rule_applied().description(), "GOLD tier discount 5% on list price");
  EXPECT_EQ(quote->unit_price().amount_minor(), 9500);
  EXPECT_EQ(quote->total_price().amount_minor(), 28500);
  EXPECT_EQ(quote->discount_basis_points(), 500);
  // The earlier end of discount (09-30) and list price (12-31).
  EXPECT_EQ(common::FromDateMessage(quote->valid_until()), (CalendarDate{2024, 9, 30}));
}

TEST(ComputeQuoteTest, ListPriceWhenTheTierHasNoDiscount) {
  PricingCandidates candidates = AllThree();
  candidates.special_prices.clear();
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(3, v1::TIER_SILVER), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_LIST_PRICE);
  EXPECT_EQ(quote->rule_applied().rule(), "priceListEntries/1");
  EXPECT_EQ(quote->unit_price().amount_minor(), 10000);
  EXPECT_EQ(quote->total_price().amount_minor(), 30000);
  EXPECT_EQ(quote->discount_basis_points(), 0);
  EXPECT_EQ(quote->tier(), v1::TIER_SILVER);
  EXPECT_EQ(common::FromDateMessage(quote->valid_until()), (CalendarDate{2024, 12, 31}));
}

TEST(ComputeQuoteTest, OpenEndedListPriceQuoteHasNoValidUntil) {
  PricingCandidates candidates;
  candidates.list_prices.push_back(ListPrice("priceListEntries/1", 500, "EUR", {2020, 1, 1}));
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(1), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_FALSE(quote->has_valid_until());
}

TEST(ComputeQuoteTest, ExpiredOrFutureSpecialPriceIsIgnored) {
  PricingCandidates candidates = AllThree();
  candidates.special_prices = {
      Special("customers/7/specialPrices/4", 8000, {2024, 5, 1}, {2024, 6, 14}),  // ended yesterday
      Special("customers/7/specialPrices/5", 7000, {2024, 6, 16}, {2024, 7, 1}),  // starts tomorrow
  };
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(3), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  EXPECT_EQ(quote->unit_price().amount_minor(), 9500);
}

TEST(ComputeQuoteTest, SpecialPriceOnItsLastDayStillApplies) {
  QuoteInput input = Input(3);
  input.date = {2024, 6, 30};
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(input, AllThree());
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_SPECIAL_PRICE);
  input.date = {2024, 7, 1};
  quote = ComputeQuote(input, AllThree());
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  input.date = {2024, 10, 1};  // the discount ended on 09-30
  quote = ComputeQuote(input, AllThree());
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_LIST_PRICE);
}

TEST(ComputeQuoteTest, SpecialPriceNeedsItsMinimumQuantityAndCurrency) {
  PricingCandidates candidates = AllThree();
  candidates.special_prices = {
      Special("customers/7/specialPrices/4", 8000, {2024, 6, 1}, {2024, 6, 30}, 10),
      Special("customers/7/specialPrices/5", 7000, {2024, 6, 1}, {2024, 6, 30}, 0, "USD"),
      Special("customers/7/specialPrices/6", 6000, {2024, 6, 1}, {2024, 6, 30}, 0, "EUR", "SKU-2"),
  };
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(9), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  quote = ComputeQuote(Input(10), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().rule(), "customers/7/specialPrices/4");
  EXPECT_EQ(quote->total_price().amount_minor(), 80000);
}

TEST(ComputeQuoteTest, TheLowestPriceWinsEvenOverASpecialPrice) {
  PricingCandidates candidates = AllThree();
  candidates.special_prices = {
      Special("customers/7/specialPrices/4", 9600, {2024, 6, 1}, {2024, 6, 30})};
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(1), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  EXPECT_EQ(quote->unit_price().amount_minor(), 9500);
}

TEST(ComputeQuoteTest, OnATieSpecialPriceBeatsTierDiscount) {
  PricingCandidates candidates = AllThree();
  candidates.special_prices = {
      Special("customers/7/specialPrices/4", 9500, {2024, 6, 1}, {2024, 6, 30})};
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(1), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_SPECIAL_PRICE);
  EXPECT_EQ(quote->discount_basis_points(), 500);
}

TEST(ComputeQuoteTest, LargestApplicableTierDiscountWinsAndRoundsHalfUp) {
  PricingCandidates candidates;
  candidates.list_prices.push_back(ListPrice("priceListEntries/1", 1999, "EUR", {2024, 1, 1}));
  candidates.tier_discounts = {
      Discount("tierDiscounts/1", v1::TIER_GOLD, 250, {2024, 1, 1}, std::nullopt, ""),  // all SKUs
      Discount("tierDiscounts/2", v1::TIER_GOLD, 1500, {2024, 1, 1}, std::nullopt, "SKU-1", 100),
      Discount("tierDiscounts/3", v1::TIER_PLATINUM, 3000, {2024, 1, 1}),
      Discount("tierDiscounts/4", v1::TIER_GOLD, 4000, {2024, 1, 1}, std::nullopt, "SKU-9"),
  };
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(7), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().rule(), "tierDiscounts/1");
  EXPECT_EQ(quote->rule_applied().description(), "GOLD tier discount 2.5% on list price");
  EXPECT_EQ(quote->unit_price().amount_minor(), 1949);    // 1949.025
  EXPECT_EQ(quote->total_price().amount_minor(), 13643);  // 1949 × 7
  quote = ComputeQuote(Input(100), candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  EXPECT_EQ(quote->rule_applied().rule(), "tierDiscounts/2");
  EXPECT_EQ(quote->unit_price().amount_minor(), 1699);  // 1699.15
  EXPECT_EQ(quote->total_price().amount_minor(), 169900);
}

TEST(ComputeQuoteTest, NoValidListPriceIsNotFoundNamingTheSku) {
  PricingCandidates candidates = AllThree();
  candidates.list_prices = {
      ListPrice("priceListEntries/1", 10000, "EUR", {2023, 1, 1}, CalendarDate{2024, 6, 14})};
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(1), candidates);
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(quote.status().message()), HasSubstr("\"SKU-1\""));
  EXPECT_THAT(std::string(quote.status().message()), HasSubstr("2024-06-15"));
  // A special price alone does not make a quote.
  candidates.list_prices.clear();
  EXPECT_EQ(ComputeQuote(Input(1), candidates).status().code(), absl::StatusCode::kNotFound);
}

TEST(ComputeQuoteTest, SeveralCurrenciesNeedCurrencyCode) {
  PricingCandidates candidates = AllThree();
  candidates.list_prices.push_back(ListPrice("priceListEntries/9", 11000, "USD", {2024, 1, 1}));
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(Input(1), candidates);
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(quote.status().message()), HasSubstr("currency_code: "));
  EXPECT_THAT(std::string(quote.status().message()), HasSubstr("EUR, USD"));

  QuoteInput input = Input(2);
  input.currency_code = "USD";
  quote = ComputeQuote(input, candidates);
  ASSERT_TRUE(quote.ok()) << quote.status();
  // The EUR special price does not apply to a USD quote; GOLD 5% does.
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  EXPECT_EQ(quote->unit_price().amount_minor(), 10450);
  EXPECT_EQ(quote->unit_price().currency_code(), "USD");

  input.currency_code = "CHF";
  quote = ComputeQuote(input, candidates);
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(quote.status().message()), HasSubstr("in CHF"));
}

TEST(ComputeQuoteTest, TotalBeyondTheLargestAmountIsInvalidQuantity) {
  absl::StatusOr<v1::PriceQuote> quote =
      ComputeQuote(Input(common::kMaxMoneyMinor / 1000), AllThree());
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(quote.status().message()), HasSubstr("quantity: "));
}

v1::PriceListEntry ValidEntry() {
  return ListPrice("", 1999, "EUR", {2024, 1, 1}, CalendarDate{2024, 12, 31});
}

std::string EntryError(const v1::PriceListEntry& entry) {
  return std::string(ValidatePriceListEntry("price_list_entry", entry).message());
}

TEST(PricingValidationTest, PriceListEntryErrorsNameTheField) {
  EXPECT_TRUE(ValidatePriceListEntry("price_list_entry", ValidEntry()).ok());
  v1::PriceListEntry entry = ValidEntry();
  entry.set_sku("");
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.sku: "));
  entry.set_sku(std::string(65, 'x'));
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.sku: "));
  entry.set_sku(" SKU");
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.sku: must not start or end"));
  entry = ValidEntry();
  entry.clear_list_price();
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.list_price: must be set"));
  entry = ValidEntry();
  entry.mutable_list_price()->set_amount_minor(-1);
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.list_price.amount_minor: "));
  entry = ValidEntry();
  entry.mutable_list_price()->set_currency_code("EURO");
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.list_price: "));
  entry = ValidEntry();
  entry.clear_valid_from();
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.valid_from: must be set"));
  entry = ValidEntry();
  SetDate({2023, 2, 29}, entry.mutable_valid_from());
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.valid_from: 2023-02-29 is not"));
  entry = ValidEntry();
  SetDate({2023, 12, 31}, entry.mutable_valid_until());
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.valid_until: 2023-12-31 is before"));
  entry = ValidEntry();
  entry.set_description(std::string(10 * 1024, 'd'));
  EXPECT_THAT(EntryError(entry), HasSubstr("price_list_entry.description: "));
}

TEST(PricingValidationTest, TierDiscountNeedsTierAndBasisPointsInRange) {
  v1::TierDiscount discount = Discount("", v1::TIER_GOLD, 500, {2024, 1, 1}, std::nullopt, "");
  EXPECT_TRUE(ValidateTierDiscount("tier_discount", discount).ok());
  discount.set_tier(v1::TIER_UNSPECIFIED);
  EXPECT_THAT(std::string(ValidateTierDiscount("tier_discount", discount).message()),
              HasSubstr("tier_discount.tier: "));
  discount.set_tier(v1::TIER_GOLD);
  for (int32_t bad : {0, 10001, -5}) {
    discount.set_discount_basis_points(bad);
    EXPECT_THAT(std::string(ValidateTierDiscount("tier_discount", discount).message()),
                HasSubstr("tier_discount.discount_basis_points: "))
        << bad;
  }
  discount.set_discount_basis_points(10000);
  discount.set_min_quantity(-1);
  EXPECT_THAT(std::string(ValidateTierDiscount("tier_discount", discount).message()),
              HasSubstr("tier_discount.min_quantity: "));
}

TEST(PricingValidationTest, SpecialPriceAlwaysExpiresAndNamesAnEmployee) {
  v1::SpecialPrice price = Special("", 900, {2024, 1, 1}, {2024, 3, 31});
  price.set_approved_by("employees/12");
  EXPECT_TRUE(ValidateSpecialPrice("special_price", price).ok());
  price.clear_valid_until();
  EXPECT_THAT(std::string(ValidateSpecialPrice("special_price", price).message()),
              HasSubstr("special_price.valid_until: must be set"));
  price = Special("", 900, {2024, 1, 1}, {2024, 3, 31});
  price.set_approved_by("bob");
  EXPECT_THAT(std::string(ValidateSpecialPrice("special_price", price).message()),
              HasSubstr("special_price.approved_by: "));
  price.set_approved_by("");
  price.set_reason(std::string(10 * 1024, 'r'));
  EXPECT_THAT(std::string(ValidateSpecialPrice("special_price", price).message()),
              HasSubstr("special_price.reason: "));
}

TEST(CalendarDateTest, ValidatesFormatsAndParses) {
  EXPECT_TRUE(common::ValidateCalendarDate("d", {2024, 2, 29}).ok());
  EXPECT_FALSE(common::ValidateCalendarDate("d", {2023, 2, 29}).ok());
  EXPECT_FALSE(common::ValidateCalendarDate("d", {0, 1, 1}).ok());
  EXPECT_FALSE(common::ValidateCalendarDate("d", {2024, 13, 1}).ok());
  EXPECT_EQ(common::FormatIsoDate({987, 3, 4}), "0987-03-04");
  absl::StatusOr<CalendarDate> parsed = common::ParseIsoDate("2024-02-29");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, (CalendarDate{2024, 2, 29}));
  EXPECT_FALSE(common::ParseIsoDate("2024-2-29").ok());
  EXPECT_FALSE(common::ParseIsoDate("2023-02-29").ok());
  EXPECT_EQ(common::UtcDate(absl::FromUnixSeconds(1718409599)), (CalendarDate{2024, 6, 14}));
  EXPECT_EQ(common::UtcDate(absl::FromUnixSeconds(1718409600)), (CalendarDate{2024, 6, 15}));
}

}  // namespace
}  // namespace crm::customer
