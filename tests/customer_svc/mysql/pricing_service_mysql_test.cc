// PricingService with the MySQL repository against a fresh TestDatabase
// schema carrying customer_svc's migrations: the standard methods of price
// list entries, tier discounts and special prices, and QuotePrice.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/calendar_date.h"
#include "customer_svc/domain/pricing_service.h"
#include "customer_svc/repository/mysql_pricing_repository.h"
#include "tests/customer_svc/mysql/customer_db_test.h"

namespace crm::customer {
namespace {

using ::crm::test_support::IsOk;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

using common::CalendarDate;

void SetDate(const CalendarDate& date, crm::common::v1::Date* message) {
  common::ToDateMessage(date, message);
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

class PricingServiceMySqlTest : public CustomerDbTest {
 protected:
  PricingServiceMySqlTest()
      : CustomerDbTest("sales", absl::FromUnixSeconds(1718452800)),
        pricing_repository_(pool_),
        pricing_(pricing_repository_, [this] { return now_; }) {}

  static v1::PriceListEntry Entry(const std::string& sku, int64_t amount,
                                  const std::string& currency, CalendarDate from,
                                  std::optional<CalendarDate> until = std::nullopt) {
    v1::PriceListEntry entry;
    entry.set_sku(sku);
    entry.set_description(absl::StrCat("Product ", sku));
    entry.mutable_list_price()->set_amount_minor(amount);
    entry.mutable_list_price()->set_currency_code(currency);
    SetDate(from, entry.mutable_valid_from());
    if (until.has_value()) SetDate(*until, entry.mutable_valid_until());
    return entry;
  }

  absl::StatusOr<v1::PriceListEntry> CreateEntry(const v1::PriceListEntry& entry,
                                                 const std::string& request_id = "") {
    v1::CreatePriceListEntryRequest request;
    *request.mutable_price_list_entry() = entry;
    request.set_request_id(request_id);
    v1::CreatePriceListEntryResponse response;
    absl::Status status = pricing_.CreatePriceListEntry(call_, request, response);
    if (!status.ok()) return status;
    return response.price_list_entry();
  }

  static v1::TierDiscount Discount(v1::Tier tier, const std::string& sku, int32_t basis_points,
                                   CalendarDate from,
                                   std::optional<CalendarDate> until = std::nullopt,
                                   int64_t min_quantity = 0) {
    v1::TierDiscount discount;
    discount.set_tier(tier);
    discount.set_sku(sku);
    discount.set_discount_basis_points(basis_points);
    discount.set_min_quantity(min_quantity);
    SetDate(from, discount.mutable_valid_from());
    if (until.has_value()) SetDate(*until, discount.mutable_valid_until());
    return discount;
  }

  absl::StatusOr<v1::TierDiscount> CreateDiscount(const v1::TierDiscount& discount,
                                                  const std::string& request_id = "") {
    v1::CreateTierDiscountRequest request;
    *request.mutable_tier_discount() = discount;
    request.set_request_id(request_id);
    v1::CreateTierDiscountResponse response;
    absl::Status status = pricing_.CreateTierDiscount(call_, request, response);
    if (!status.ok()) return status;
    return response.tier_discount();
  }

  static v1::SpecialPrice Special(const std::string& sku, int64_t amount, CalendarDate from,
                                  CalendarDate until, int64_t min_quantity = 0) {
    v1::SpecialPrice price;
    price.set_sku(sku);
    price.mutable_unit_price()->set_amount_minor(amount);
    price.mutable_unit_price()->set_currency_code("EUR");
    price.set_min_quantity(min_quantity);
    SetDate(from, price.mutable_valid_from());
    SetDate(until, price.mutable_valid_until());
    price.set_reason("loyal since 2010");
    price.set_approved_by("employees/4");
    return price;
  }

  absl::StatusOr<v1::SpecialPrice> CreateSpecial(const std::string& parent,
                                                 const v1::SpecialPrice& price,
                                                 const std::string& request_id = "") {
    v1::CreateSpecialPriceRequest request;
    request.set_parent(parent);
    *request.mutable_special_price() = price;
    request.set_request_id(request_id);
    v1::CreateSpecialPriceResponse response;
    absl::Status status = pricing_.CreateSpecialPrice(call_, request, response);
    if (!status.ok()) return status;
    return response.special_price();
  }

  absl::StatusOr<v1::PriceQuote> Quote(const std::string& customer, const std::string& sku,
                                       int64_t quantity,
                                       std::optional<CalendarDate> date = std::nullopt,
                                       const std::string& currency_code = "") {
    v1::QuotePriceRequest request;
    request.set_currency_code(currency_code);
    request.set_customer(customer);
    request.set_sku(sku);
    request.set_quantity(quantity);
    if (date.has_value()) SetDate(*date, request.mutable_pricing_date());
    v1::QuotePriceResponse response;
    absl::Status status = pricing_.QuotePrice(call_, request, response);
    if (!status.ok()) return status;
    return response.quote();
  }

  std::vector<std::string> ListEntryNames(const std::string& filter, const std::string& order_by,
                                          bool show_deleted = false) {
    std::vector<std::string> names;
    std::string token;
    int pages = 0;
    do {
      v1::ListPriceListEntriesRequest request;
      request.set_page_size(2);
      request.set_filter(filter);
      request.set_order_by(order_by);
      request.set_show_deleted(show_deleted);
      request.set_page_token(token);
      v1::ListPriceListEntriesResponse response;
      absl::Status status = pricing_.ListPriceListEntries(call_, request, response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok() || ++pages > 50) break;
      EXPECT_LE(response.price_list_entries_size(), 2);
      for (const auto& entry : response.price_list_entries()) names.push_back(entry.name());
      token = response.next_page_token();
    } while (!token.empty());
    return names;
  }

  MySqlPricingRepository pricing_repository_;
  PricingService pricing_;
};

// Price list entries.

TEST_F(PricingServiceMySqlTest, PriceListEntryCreateGetStoresStringsVerbatim) {
  const std::string sku = "Robert'); DROP TABLE price_list_entries; --";
  v1::PriceListEntry entry = Entry(sku, 1999, "EUR", {2024, 1, 1}, CalendarDate{2024, 12, 31});
  std::string description;
  for (int i = 0; i < 400; ++i) description += "Grüß✓";  // 2000 characters, 3200 bytes
  entry.set_description(description);
  absl::StatusOr<v1::PriceListEntry> created = CreateEntry(entry);
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->name(), ::testing::StartsWith("priceListEntries/"));
  EXPECT_FALSE(created->etag().empty());
  EXPECT_EQ(created->sku(), sku);
  EXPECT_EQ(created->description(), description);
  EXPECT_EQ(created->create_time().seconds(), 1718452800);

  v1::GetPriceListEntryRequest get;
  get.set_name(created->name());
  v1::GetPriceListEntryResponse got;
  ASSERT_THAT(pricing_.GetPriceListEntry(call_, get, got), IsOk());
  EXPECT_EQ(got.price_list_entry().SerializeAsString(), created->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE resource LIKE 'priceListEntries/%'"),
            1);

  get.set_name("priceListEntries/999999");
  absl::Status missing = pricing_.GetPriceListEntry(call_, get, got);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(missing), HasSubstr("priceListEntries/999999"));
  get.set_name("tierDiscounts/1");
  EXPECT_EQ(pricing_.GetPriceListEntry(call_, get, got).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PricingServiceMySqlTest, PriceListEntryCreateValidatesBeforeWriting) {
  v1::PriceListEntry entry = Entry("SKU-1", 1999, "EUR", {2024, 1, 1});
  entry.set_description(std::string(10 * 1024, 'x'));
  absl::StatusOr<v1::PriceListEntry> created = CreateEntry(entry);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(created.status()), HasSubstr("price_list_entry.description: "));
  entry = Entry("", 1999, "EUR", {2024, 1, 1});
  EXPECT_THAT(Message(CreateEntry(entry).status()), HasSubstr("price_list_entry.sku: "));
  entry = Entry("SKU-1", -5, "EUR", {2024, 1, 1});
  EXPECT_THAT(Message(CreateEntry(entry).status()),
              HasSubstr("price_list_entry.list_price.amount_minor: "));
  entry = Entry("SKU-1", 5, "XXX", {2024, 1, 1});
  EXPECT_THAT(Message(CreateEntry(entry).status()), HasSubstr("price_list_entry.list_price: "));
  entry = Entry("SKU-1", 5, "EUR", {2024, 2, 30});
  EXPECT_THAT(Message(CreateEntry(entry).status()), HasSubstr("price_list_entry.valid_from: "));
  entry = Entry("SKU-1", 5, "EUR", {2024, 1, 1});
  EXPECT_THAT(Message(CreateEntry(entry, "bad request id!").status()), HasSubstr("request_id: "));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM price_list_entries"), 0);
}

TEST_F(PricingServiceMySqlTest, PriceListEntryCreateReplayReturnsTheFirstResult) {
  v1::PriceListEntry entry = Entry("SKU-1", 1999, "EUR", {2024, 1, 1});
  absl::StatusOr<v1::PriceListEntry> first = CreateEntry(entry, "create-sku-1");
  ASSERT_THAT(first, IsOk());
  now_ += absl::Seconds(5);
  absl::StatusOr<v1::PriceListEntry> replay = CreateEntry(entry, "create-sku-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM price_list_entries"), 1);
  entry.mutable_list_price()->set_amount_minor(2999);
  EXPECT_EQ(CreateEntry(entry, "create-sku-1").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM price_list_entries"), 1);
}

TEST_F(PricingServiceMySqlTest, PriceListEntryUpdateChangesOnlyMaskedFieldsAndChecksEtag) {
  absl::StatusOr<v1::PriceListEntry> created =
      CreateEntry(Entry("SKU-1", 1999, "EUR", {2024, 1, 1}));
  ASSERT_THAT(created, IsOk());
  now_ += absl::Seconds(10);
  v1::UpdatePriceListEntryRequest request;
  request.mutable_price_list_entry()->set_name(created->name());
  request.mutable_price_list_entry()->set_etag(created->etag());
  request.mutable_price_list_entry()->set_description("Widget, blue");
  request.mutable_price_list_entry()->mutable_list_price()->set_amount_minor(1);  // not masked
  request.mutable_update_mask()->add_paths("description");
  v1::UpdatePriceListEntryResponse response;
  ASSERT_THAT(pricing_.UpdatePriceListEntry(call_, request, response), IsOk());
  const v1::PriceListEntry& updated = response.price_list_entry();
  EXPECT_EQ(updated.description(), "Widget, blue");
  EXPECT_EQ(updated.list_price().amount_minor(), 1999);
  EXPECT_EQ(updated.sku(), "SKU-1");
  EXPECT_NE(updated.etag(), created->etag());
  EXPECT_EQ(updated.update_time().seconds(), 1718452810);
  EXPECT_EQ(updated.create_time().seconds(), 1718452800);

  // The old etag is stale now; nothing changes.
  request.mutable_price_list_entry()->set_description("Widget, red");
  absl::Status stale = pricing_.UpdatePriceListEntry(call_, request, response);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  request.mutable_update_mask()->set_paths(0, "etag");
  request.mutable_price_list_entry()->set_etag(updated.etag());
  EXPECT_THAT(Message(pricing_.UpdatePriceListEntry(call_, request, response)),
              HasSubstr("update_mask: "));
  request.mutable_update_mask()->set_paths(0, "no_such_field");
  EXPECT_EQ(pricing_.UpdatePriceListEntry(call_, request, response).code(),
            absl::StatusCode::kInvalidArgument);
  request.mutable_update_mask()->set_paths(0, "valid_until");
  SetDate({2023, 1, 1}, request.mutable_price_list_entry()->mutable_valid_until());
  EXPECT_THAT(Message(pricing_.UpdatePriceListEntry(call_, request, response)),
              HasSubstr("price_list_entry.valid_until: 2023-01-01 is before"));

  v1::GetPriceListEntryRequest get;
  get.set_name(created->name());
  v1::GetPriceListEntryResponse got;
  ASSERT_THAT(pricing_.GetPriceListEntry(call_, get, got), IsOk());
  EXPECT_EQ(got.price_list_entry().description(), "Widget, blue");
  EXPECT_FALSE(got.price_list_entry().has_valid_until());
  EXPECT_EQ(got.price_list_entry().etag(), updated.etag());

  request.mutable_price_list_entry()->set_name("priceListEntries/424242");
  request.mutable_price_list_entry()->clear_etag();
  EXPECT_EQ(pricing_.UpdatePriceListEntry(call_, request, response).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PricingServiceMySqlTest, PriceListEntryDeleteIsSoftAndUndeleteRestores) {
  absl::StatusOr<v1::PriceListEntry> kept = CreateEntry(Entry("SKU-A", 100, "EUR", {2024, 1, 1}));
  absl::StatusOr<v1::PriceListEntry> doomed = CreateEntry(Entry("SKU-B", 100, "EUR", {2024, 1, 1}));
  ASSERT_THAT(kept, IsOk());
  ASSERT_THAT(doomed, IsOk());

  v1::DeletePriceListEntryRequest remove;
  remove.set_name(doomed->name());
  remove.set_etag("zz");
  v1::DeletePriceListEntryResponse removed;
  EXPECT_EQ(pricing_.DeletePriceListEntry(call_, remove, removed).code(),
            absl::StatusCode::kAborted);
  remove.set_etag(doomed->etag());
  ASSERT_THAT(pricing_.DeletePriceListEntry(call_, remove, removed), IsOk());
  EXPECT_TRUE(removed.price_list_entry().has_delete_time());
  EXPECT_THAT(ListEntryNames("", ""), ElementsAre(kept->name()));
  EXPECT_THAT(ListEntryNames("", "", /*show_deleted=*/true),
              ElementsAre(kept->name(), doomed->name()));
  v1::GetPriceListEntryRequest get;
  get.set_name(doomed->name());
  v1::GetPriceListEntryResponse got;
  ASSERT_THAT(pricing_.GetPriceListEntry(call_, get, got), IsOk());
  EXPECT_TRUE(got.price_list_entry().has_delete_time());
  remove.set_etag("");
  absl::Status again = pricing_.DeletePriceListEntry(call_, remove, removed);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(again), HasSubstr("is deleted"));

  v1::UndeletePriceListEntryRequest restore;
  restore.set_name(doomed->name());
  restore.set_etag(doomed->etag());  // stale: the delete bumped it
  v1::UndeletePriceListEntryResponse restored;
  EXPECT_EQ(pricing_.UndeletePriceListEntry(call_, restore, restored).code(),
            absl::StatusCode::kAborted);
  restore.set_etag(got.price_list_entry().etag());
  ASSERT_THAT(pricing_.UndeletePriceListEntry(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.price_list_entry().has_delete_time());
  EXPECT_THAT(ListEntryNames("", ""), ElementsAre(kept->name(), doomed->name()));
  EXPECT_EQ(pricing_.UndeletePriceListEntry(call_, restore, restored).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_entries WHERE resource = '" + doomed->name() + "'"),
            3);
}

TEST_F(PricingServiceMySqlTest, OverlappingListPricesAreRejectedNamingTheOtherEntry) {
  absl::StatusOr<v1::PriceListEntry> first =
      CreateEntry(Entry("SKU-1", 1000, "EUR", {2024, 1, 1}, CalendarDate{2024, 6, 30}));
  ASSERT_THAT(first, IsOk());
  absl::StatusOr<v1::PriceListEntry> overlapping =
      CreateEntry(Entry("SKU-1", 1100, "EUR", {2024, 6, 30}));
  EXPECT_EQ(overlapping.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Message(overlapping.status()), HasSubstr(first->name()));
  EXPECT_THAT(Message(overlapping.status()), HasSubstr("2024-01-01..2024-06-30"));
  // Open-ended before: overlaps too.
  EXPECT_EQ(CreateEntry(Entry("SKU-1", 900, "EUR", {2023, 1, 1})).status().code(),
            absl::StatusCode::kAlreadyExists);
  // Back to back, another currency, another SKU: fine.
  absl::StatusOr<v1::PriceListEntry> next = CreateEntry(Entry("SKU-1", 1100, "EUR", {2024, 7, 1}));
  ASSERT_THAT(next, IsOk());
  ASSERT_THAT(CreateEntry(Entry("SKU-1", 1200, "USD", {2024, 1, 1})), IsOk());
  ASSERT_THAT(CreateEntry(Entry("sku-1", 1200, "EUR", {2024, 1, 1})), IsOk());  // SKUs are exact
  EXPECT_EQ(Count("SELECT COUNT(*) FROM price_list_entries"), 4);

  // An update that would make them overlap fails and changes nothing.
  v1::UpdatePriceListEntryRequest update;
  update.mutable_price_list_entry()->set_name(first->name());
  SetDate({2024, 7, 1}, update.mutable_price_list_entry()->mutable_valid_until());
  update.mutable_update_mask()->add_paths("valid_until");
  v1::UpdatePriceListEntryResponse updated;
  absl::Status status = pricing_.UpdatePriceListEntry(call_, update, updated);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Message(status), HasSubstr(next->name()));

  // Deleted entries do not block, but their undelete is checked again.
  v1::DeletePriceListEntryRequest remove;
  remove.set_name(next->name());
  v1::DeletePriceListEntryResponse removed;
  ASSERT_THAT(pricing_.DeletePriceListEntry(call_, remove, removed), IsOk());
  absl::StatusOr<v1::PriceListEntry> replacement =
      CreateEntry(Entry("SKU-1", 1150, "EUR", {2024, 8, 1}));
  ASSERT_THAT(replacement, IsOk());
  v1::UndeletePriceListEntryRequest restore;
  restore.set_name(next->name());
  v1::UndeletePriceListEntryResponse restored;
  status = pricing_.UndeletePriceListEntry(call_, restore, restored);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Message(status), HasSubstr(replacement->name()));
}

TEST_F(PricingServiceMySqlTest, ConcurrentOverlappingCreatesLeaveExactlyOneEntry) {
  for (int round = 0; round < 3; ++round) {
    const std::string sku = absl::StrCat("RACE-", round);
    std::atomic<int> created{0};
    std::atomic<int> unexpected{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&, i] {
        absl::StatusOr<v1::PriceListEntry> entry =
            CreateEntry(Entry(sku, 100 + i, "EUR", {2024, 1 + i, 1}));
        if (entry.ok()) {
          ++created;
        } else if (entry.status().code() != absl::StatusCode::kAlreadyExists &&
                   entry.status().code() != absl::StatusCode::kAborted) {
          ++unexpected;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(created.load(), 1) << sku;
    EXPECT_EQ(unexpected.load(), 0) << sku;
    EXPECT_EQ(
        Count(absl::StrCat("SELECT COUNT(*) FROM price_list_entries WHERE sku = '", sku, "'")), 1);
  }
}

TEST_F(PricingServiceMySqlTest, ListPriceListEntriesPagesFiltersAndSorts) {
  std::vector<std::string> by_sku;
  for (const char* sku : {"A-1", "A-2", "B-1", "C-1", "C-2"}) {
    absl::StatusOr<v1::PriceListEntry> created = CreateEntry(Entry(sku, 100, "EUR", {2024, 1, 1}));
    ASSERT_THAT(created, IsOk());
    by_sku.push_back(created->name());
  }
  absl::StatusOr<v1::PriceListEntry> usd = CreateEntry(Entry("A-1", 100, "USD", {2024, 3, 1}));
  ASSERT_THAT(usd, IsOk());
  EXPECT_THAT(ListEntryNames("", ""),
              ElementsAre(by_sku[0], usd->name(), by_sku[1], by_sku[2], by_sku[3], by_sku[4]));
  EXPECT_THAT(ListEntryNames("sku = \"C*\"", ""), ElementsAre(by_sku[3], by_sku[4]));
  EXPECT_THAT(ListEntryNames("list_price.currency_code = usd", ""), ElementsAre(usd->name()));
  EXPECT_THAT(ListEntryNames("valid_from >= 2024-02-01", ""), ElementsAre(usd->name()));
  EXPECT_THAT(ListEntryNames("valid_until > 2030-01-01 AND sku : \"-2\"", ""),
              ElementsAre(by_sku[1], by_sku[4]));  // open-ended counts as the far future
  EXPECT_THAT(ListEntryNames("", "valid_from desc"),
              ElementsAre(usd->name(), by_sku[4], by_sku[3], by_sku[2], by_sku[1], by_sku[0]));

  v1::ListPriceListEntriesRequest request;
  request.set_page_size(2);
  v1::ListPriceListEntriesResponse response;
  ASSERT_THAT(pricing_.ListPriceListEntries(call_, request, response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_filter("sku = A-1");  // another query
  EXPECT_THAT(Message(pricing_.ListPriceListEntries(call_, request, response)),
              HasSubstr("page_token: "));
  request.set_page_token("");
  request.set_filter("valid_from >= 2024-13-01");
  EXPECT_THAT(Message(pricing_.ListPriceListEntries(call_, request, response)),
              HasSubstr("filter: "));
  request.set_filter("price = 3");
  EXPECT_THAT(Message(pricing_.ListPriceListEntries(call_, request, response)),
              HasSubstr("filter: unknown field"));
  request.set_filter("");
  request.set_order_by("description");
  EXPECT_THAT(Message(pricing_.ListPriceListEntries(call_, request, response)),
              HasSubstr("order_by: "));
  request.set_order_by("");
  request.set_page_size(-1);
  EXPECT_THAT(Message(pricing_.ListPriceListEntries(call_, request, response)),
              HasSubstr("page_size: "));
}

// Tier discounts.

TEST_F(PricingServiceMySqlTest, TierDiscountCrudWithEtagsIdempotencyAndOverlap) {
  absl::StatusOr<v1::TierDiscount> gold =
      CreateDiscount(Discount(v1::TIER_GOLD, "", 500, {2024, 1, 1}), "gold-all");
  ASSERT_THAT(gold, IsOk());
  EXPECT_THAT(gold->name(), ::testing::StartsWith("tierDiscounts/"));
  absl::StatusOr<v1::TierDiscount> replay =
      CreateDiscount(Discount(v1::TIER_GOLD, "", 500, {2024, 1, 1}), "gold-all");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->SerializeAsString(), gold->SerializeAsString());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tier_discounts"), 1);

  // Same tier, SKU and minimum quantity (0 and 1 are the same): overlap.
  absl::StatusOr<v1::TierDiscount> clash =
      CreateDiscount(Discount(v1::TIER_GOLD, "", 700, {2024, 5, 1}, std::nullopt, 1));
  EXPECT_EQ(clash.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Message(clash.status()), HasSubstr(gold->name()));
  // A quantity break, another SKU or another tier: separate keys.
  ASSERT_THAT(CreateDiscount(Discount(v1::TIER_GOLD, "", 700, {2024, 5, 1}, std::nullopt, 100)),
              IsOk());
  ASSERT_THAT(CreateDiscount(Discount(v1::TIER_GOLD, "SKU-1", 800, {2024, 1, 1})), IsOk());
  absl::StatusOr<v1::TierDiscount> silver =
      CreateDiscount(Discount(v1::TIER_SILVER, "", 200, {2024, 1, 1}));
  ASSERT_THAT(silver, IsOk());
  EXPECT_THAT(Message(CreateDiscount(Discount(v1::TIER_GOLD, "", 0, {2024, 1, 1})).status()),
              HasSubstr("tier_discount.discount_basis_points: "));

  v1::UpdateTierDiscountRequest update;
  update.mutable_tier_discount()->set_name(gold->name());
  update.mutable_tier_discount()->set_etag(gold->etag());
  update.mutable_tier_discount()->set_discount_basis_points(650);
  update.mutable_update_mask()->add_paths("discount_basis_points");
  v1::UpdateTierDiscountResponse updated;
  ASSERT_THAT(pricing_.UpdateTierDiscount(call_, update, updated), IsOk());
  EXPECT_EQ(updated.tier_discount().discount_basis_points(), 650);
  EXPECT_EQ(updated.tier_discount().tier(), v1::TIER_GOLD);
  EXPECT_EQ(pricing_.UpdateTierDiscount(call_, update, updated).code(), absl::StatusCode::kAborted);

  v1::DeleteTierDiscountRequest remove;
  remove.set_name(silver->name());
  remove.set_etag(silver->etag());
  v1::DeleteTierDiscountResponse removed;
  ASSERT_THAT(pricing_.DeleteTierDiscount(call_, remove, removed), IsOk());
  v1::ListTierDiscountsRequest list;
  list.set_filter("tier = SILVER");
  v1::ListTierDiscountsResponse listed;
  ASSERT_THAT(pricing_.ListTierDiscounts(call_, list, listed), IsOk());
  EXPECT_EQ(listed.tier_discounts_size(), 0);
  list.set_show_deleted(true);
  listed.Clear();
  ASSERT_THAT(pricing_.ListTierDiscounts(call_, list, listed), IsOk());
  ASSERT_EQ(listed.tier_discounts_size(), 1);
  v1::UndeleteTierDiscountRequest restore;
  restore.set_name(silver->name());
  restore.set_etag(listed.tier_discounts(0).etag());
  v1::UndeleteTierDiscountResponse restored;
  ASSERT_THAT(pricing_.UndeleteTierDiscount(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.tier_discount().has_delete_time());

  v1::GetTierDiscountRequest get;
  get.set_name(gold->name());
  v1::GetTierDiscountResponse got;
  ASSERT_THAT(pricing_.GetTierDiscount(call_, get, got), IsOk());
  EXPECT_EQ(got.tier_discount().discount_basis_points(), 650);
  get.set_name("tierDiscounts/77777");
  EXPECT_EQ(pricing_.GetTierDiscount(call_, get, got).code(), absl::StatusCode::kNotFound);
}

TEST_F(PricingServiceMySqlTest, ListTierDiscountsPagesInTierOrder) {
  std::vector<std::string> expected;
  for (v1::Tier tier : {v1::TIER_PLATINUM, v1::TIER_SILVER, v1::TIER_GOLD}) {
    for (const char* sku : {"", "SKU-1"}) {
      absl::StatusOr<v1::TierDiscount> created =
          CreateDiscount(Discount(tier, sku, 100 * tier, {2024, 1, 1}));
      ASSERT_THAT(created, IsOk());
    }
  }
  std::vector<std::pair<int, std::string>> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListTierDiscountsRequest request;
    request.set_page_size(4);
    request.set_page_token(token);
    request.set_order_by("tier desc");
    v1::ListTierDiscountsResponse response;
    ASSERT_THAT(pricing_.ListTierDiscounts(call_, request, response), IsOk());
    for (const auto& discount : response.tier_discounts()) {
      seen.emplace_back(discount.tier(), discount.name());
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 2);
  ASSERT_EQ(seen.size(), 6u);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i - 1].first, seen[i].first);
  EXPECT_EQ(seen.front().first, v1::TIER_PLATINUM);
  EXPECT_EQ(seen.back().first, v1::TIER_SILVER);
}

// Special prices.

TEST_F(PricingServiceMySqlTest, SpecialPriceCrudUnderItsCustomer) {
  v1::Customer acme = CreateCustomer("Acme", v1::TIER_GOLD);
  v1::Customer other = CreateCustomer("Other", v1::TIER_GOLD);
  v1::SpecialPrice draft = Special("SKU-1", 9000, {2024, 6, 1}, {2024, 6, 30});
  draft.set_reason("Jahresvertrag — 年間契約 '; DELETE FROM special_prices; --");
  absl::StatusOr<v1::SpecialPrice> created = CreateSpecial(acme.name(), draft, "sp-1");
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->name(), ::testing::StartsWith(acme.name() + "/specialPrices/"));
  EXPECT_EQ(created->reason(), draft.reason());
  EXPECT_EQ(created->approved_by(), "employees/4");
  absl::StatusOr<v1::SpecialPrice> replay = CreateSpecial(acme.name(), draft, "sp-1");
  ASSERT_THAT(replay, IsOk());
  EXPECT_EQ(replay->name(), created->name());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM special_prices"), 1);

  v1::GetSpecialPriceRequest get;
  get.set_name(created->name());
  v1::GetSpecialPriceResponse got;
  ASSERT_THAT(pricing_.GetSpecialPrice(call_, get, got), IsOk());
  EXPECT_EQ(got.special_price().SerializeAsString(), created->SerializeAsString());
  // The same id under another customer does not exist.
  const std::string id = created->name().substr(created->name().rfind('/') + 1);
  get.set_name(other.name() + "/specialPrices/" + id);
  EXPECT_EQ(pricing_.GetSpecialPrice(call_, get, got).code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(CreateSpecial("customers/999999", draft).status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(CreateSpecial("acme", draft).status()), HasSubstr("parent: "));
  v1::SpecialPrice endless = draft;
  endless.clear_valid_until();
  EXPECT_THAT(Message(CreateSpecial(acme.name(), endless).status()),
              HasSubstr("special_price.valid_until: must be set"));

  // Overlap within the customer's SKU and currency; the other customer is free.
  absl::StatusOr<v1::SpecialPrice> clash =
      CreateSpecial(acme.name(), Special("SKU-1", 8000, {2024, 6, 30}, {2024, 7, 31}));
  EXPECT_EQ(clash.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(Message(clash.status()), HasSubstr(created->name()));
  ASSERT_THAT(CreateSpecial(other.name(), Special("SKU-1", 8000, {2024, 6, 1}, {2024, 6, 30})),
              IsOk());
  ASSERT_THAT(CreateSpecial(acme.name(), Special("SKU-1", 8000, {2024, 7, 1}, {2024, 7, 31})),
              IsOk());

  v1::UpdateSpecialPriceRequest update;
  update.mutable_special_price()->set_name(created->name());
  update.mutable_special_price()->set_etag(created->etag());
  update.mutable_special_price()->mutable_unit_price()->set_amount_minor(8500);
  update.mutable_special_price()->mutable_unit_price()->set_currency_code("EUR");
  update.mutable_update_mask()->add_paths("unit_price");
  v1::UpdateSpecialPriceResponse updated;
  ASSERT_THAT(pricing_.UpdateSpecialPrice(call_, update, updated), IsOk());
  EXPECT_EQ(updated.special_price().unit_price().amount_minor(), 8500);
  EXPECT_EQ(updated.special_price().reason(), draft.reason());
  EXPECT_EQ(pricing_.UpdateSpecialPrice(call_, update, updated).code(), absl::StatusCode::kAborted);

  v1::ListSpecialPricesRequest list;
  list.set_parent(acme.name());
  list.set_order_by("valid_until desc");
  v1::ListSpecialPricesResponse listed;
  ASSERT_THAT(pricing_.ListSpecialPrices(call_, list, listed), IsOk());
  ASSERT_EQ(listed.special_prices_size(), 2);
  EXPECT_EQ(listed.special_prices(1).name(), created->name());
  list.set_parent("customers/-");
  list.set_filter("approved_by = \"employees/4\"");
  listed.Clear();
  ASSERT_THAT(pricing_.ListSpecialPrices(call_, list, listed), IsOk());
  EXPECT_EQ(listed.special_prices_size(), 3);
  list.set_parent("customers/999999");
  EXPECT_EQ(pricing_.ListSpecialPrices(call_, list, listed).code(), absl::StatusCode::kNotFound);

  v1::DeleteSpecialPriceRequest remove;
  remove.set_name(created->name());
  remove.set_etag(updated.special_price().etag());
  v1::DeleteSpecialPriceResponse removed;
  ASSERT_THAT(pricing_.DeleteSpecialPrice(call_, remove, removed), IsOk());
  v1::UndeleteSpecialPriceRequest restore;
  restore.set_name(created->name());
  restore.set_etag(removed.special_price().etag());
  v1::UndeleteSpecialPriceResponse restored;
  ASSERT_THAT(pricing_.UndeleteSpecialPrice(call_, restore, restored), IsOk());
  EXPECT_FALSE(restored.special_price().has_delete_time());
}

TEST_F(PricingServiceMySqlTest, SpecialPricesOfADeletedCustomerCannotBeCreated) {
  v1::Customer gone = CreateCustomer("Gone", v1::TIER_SILVER);
  v1::DeleteCustomerRequest remove;
  remove.set_name(gone.name());
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());
  absl::StatusOr<v1::SpecialPrice> created =
      CreateSpecial(gone.name(), Special("SKU-1", 100, {2024, 1, 1}, {2024, 12, 31}));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(created.status()), HasSubstr(gone.name()));
}

// Quotes.

class PricingQuoteMySqlTest : public PricingServiceMySqlTest {
 protected:
  void SetUp() override {
    PricingServiceMySqlTest::SetUp();
    gold_ = CreateCustomer("Gold GmbH", v1::TIER_GOLD);
    gold_without_special_ = CreateCustomer("Gold Two AG", v1::TIER_GOLD);
    silver_ = CreateCustomer("Silver SA", v1::TIER_SILVER);
    // List 100.00 EUR; GOLD 5% off (→ 95.00); a special price of 90.00 for gold_.
    absl::StatusOr<v1::PriceListEntry> list =
        CreateEntry(Entry("SKU-1", 10000, "EUR", {2024, 1, 1}, CalendarDate{2024, 12, 31}));
    ASSERT_THAT(list, IsOk());
    list_ = *list;
    absl::StatusOr<v1::TierDiscount> discount =
        CreateDiscount(Discount(v1::TIER_GOLD, "SKU-1", 500, {2024, 1, 1}));
    ASSERT_THAT(discount, IsOk());
    discount_ = *discount;
    absl::StatusOr<v1::SpecialPrice> special =
        CreateSpecial(gold_.name(), Special("SKU-1", 9000, {2024, 6, 1}, {2024, 6, 30}));
    ASSERT_THAT(special, IsOk());
    special_ = *special;
  }

  v1::Customer gold_;
  v1::Customer gold_without_special_;
  v1::Customer silver_;
  v1::PriceListEntry list_;
  v1::TierDiscount discount_;
  v1::SpecialPrice special_;
};

TEST_F(PricingQuoteMySqlTest, SpecialPriceWinsOverTierDiscountAndListPrice) {
  absl::StatusOr<v1::PriceQuote> quote = Quote(gold_.name(), "SKU-1", 3);
  ASSERT_THAT(quote, IsOk());
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_SPECIAL_PRICE);
  EXPECT_EQ(quote->rule_applied().rule(), special_.name());
  EXPECT_EQ(quote->tier(), v1::TIER_GOLD);
  EXPECT_EQ(quote->list_unit_price().amount_minor(), 10000);
  EXPECT_EQ(quote->unit_price().amount_minor(), 9000);
  EXPECT_EQ(quote->total_price().amount_minor(), 27000);  // 90.00 × 3
  EXPECT_EQ(quote->total_price().currency_code(), "EUR");
  EXPECT_EQ(quote->discount_basis_points(), 1000);
  EXPECT_EQ(common::FromDateMessage(quote->valid_until()), (CalendarDate{2024, 6, 30}));
}

TEST_F(PricingQuoteMySqlTest, TierDiscountWithoutSpecialPriceAndListPriceWithoutDiscount) {
  absl::StatusOr<v1::PriceQuote> quote = Quote(gold_without_special_.name(), "SKU-1", 3);
  ASSERT_THAT(quote, IsOk());
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  EXPECT_EQ(quote->rule_applied().rule(), discount_.name());
  EXPECT_EQ(quote->rule_applied().description(), "GOLD tier discount 5% on list price");
  EXPECT_EQ(quote->unit_price().amount_minor(), 9500);
  EXPECT_EQ(quote->total_price().amount_minor(), 28500);  // 95.00 × 3

  quote = Quote(silver_.name(), "SKU-1", 3);
  ASSERT_THAT(quote, IsOk());
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_LIST_PRICE);
  EXPECT_EQ(quote->rule_applied().rule(), list_.name());
  EXPECT_EQ(quote->tier(), v1::TIER_SILVER);
  EXPECT_EQ(quote->total_price().amount_minor(), 30000);
}

TEST_F(PricingQuoteMySqlTest, ExpiredOrDeletedSpecialPriceIsIgnored) {
  // After its last day (06-30) the special price no longer applies.
  absl::StatusOr<v1::PriceQuote> quote = Quote(gold_.name(), "SKU-1", 1, CalendarDate{2024, 7, 1});
  ASSERT_THAT(quote, IsOk());
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  quote = Quote(gold_.name(), "SKU-1", 1, CalendarDate{2024, 6, 30});
  ASSERT_THAT(quote, IsOk());
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_SPECIAL_PRICE);
  // Today (06-15) it applies until it is deleted.
  v1::DeleteSpecialPriceRequest remove;
  remove.set_name(special_.name());
  v1::DeleteSpecialPriceResponse removed;
  ASSERT_THAT(pricing_.DeleteSpecialPrice(call_, remove, removed), IsOk());
  quote = Quote(gold_.name(), "SKU-1", 1);
  ASSERT_THAT(quote, IsOk());
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  EXPECT_EQ(quote->unit_price().amount_minor(), 9500);
}

TEST_F(PricingQuoteMySqlTest, GenericTierDiscountRoundsHalfUp) {
  ASSERT_THAT(CreateEntry(Entry("SKU-2", 1999, "EUR", {2024, 1, 1})), IsOk());
  ASSERT_THAT(CreateDiscount(Discount(v1::TIER_SILVER, "", 250, {2024, 1, 1})), IsOk());
  absl::StatusOr<v1::PriceQuote> quote = Quote(silver_.name(), "SKU-2", 7);
  ASSERT_THAT(quote, IsOk());
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  EXPECT_EQ(quote->unit_price().amount_minor(), 1949);    // 19.99 − 2.5% = 19.49025
  EXPECT_EQ(quote->total_price().amount_minor(), 13643);  // 19.49 × 7
}

TEST_F(PricingQuoteMySqlTest, CurrencyAndQuantityBreaksChooseTheRule) {
  ASSERT_THAT(CreateEntry(Entry("SKU-1", 11000, "USD", {2024, 1, 1})), IsOk());
  v1::QuotePriceRequest request;
  request.set_customer(gold_.name());
  request.set_sku("SKU-1");
  request.set_quantity(2);
  v1::QuotePriceResponse response;
  absl::Status status = pricing_.QuotePrice(call_, request, response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(status), HasSubstr("currency_code: "));
  request.set_currency_code("USD");
  ASSERT_THAT(pricing_.QuotePrice(call_, request, response), IsOk());
  // The EUR special price does not apply; GOLD 5% off 110.00 USD does.
  EXPECT_EQ(response.quote().rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  EXPECT_EQ(response.quote().unit_price().amount_minor(), 10450);
  EXPECT_EQ(response.quote().total_price().amount_minor(), 20900);
  EXPECT_EQ(response.quote().total_price().currency_code(), "USD");
  request.set_currency_code("EURO");
  EXPECT_THAT(Message(pricing_.QuotePrice(call_, request, response)), HasSubstr("currency_code: "));

  // A deeper special price from 50 units for the customer without one.
  ASSERT_THAT(CreateSpecial(gold_without_special_.name(),
                            Special("SKU-1", 8000, {2024, 6, 1}, {2024, 6, 30}, 50)),
              IsOk());
  absl::StatusOr<v1::PriceQuote> quote =
      Quote(gold_without_special_.name(), "SKU-1", 49, std::nullopt, "EUR");
  ASSERT_THAT(quote, IsOk());
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_TIER_DISCOUNT);
  quote = Quote(gold_without_special_.name(), "SKU-1", 50, std::nullopt, "EUR");
  ASSERT_THAT(quote, IsOk());
  EXPECT_EQ(quote->rule_applied().kind(), v1::PRICE_RULE_KIND_SPECIAL_PRICE);
  EXPECT_EQ(quote->total_price().amount_minor(), 400000);  // 80.00 × 50
  EXPECT_EQ(quote->discount_basis_points(), 2000);
}

TEST_F(PricingQuoteMySqlTest, SpecialPricesOfADeletedCustomerCannotChangeOrComeBack) {
  v1::DeleteSpecialPriceRequest remove_price;
  remove_price.set_name(special_.name());
  v1::DeleteSpecialPriceResponse removed_price;
  ASSERT_THAT(pricing_.DeleteSpecialPrice(call_, remove_price, removed_price), IsOk());
  v1::DeleteCustomerRequest remove;
  remove.set_name(gold_.name());
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());
  v1::UndeleteSpecialPriceRequest restore;
  restore.set_name(special_.name());
  v1::UndeleteSpecialPriceResponse restored;
  absl::Status status = pricing_.UndeleteSpecialPrice(call_, restore, restored);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Message(status), HasSubstr(gold_.name()));
  v1::UpdateSpecialPriceRequest update;
  update.mutable_special_price()->set_name(special_.name());
  update.mutable_special_price()->set_reason("renewed");
  update.mutable_update_mask()->add_paths("reason");
  v1::UpdateSpecialPriceResponse updated;
  EXPECT_EQ(pricing_.UpdateSpecialPrice(call_, update, updated).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(PricingQuoteMySqlTest, QuoteErrorsNameWhatIsWrong) {
  absl::StatusOr<v1::PriceQuote> quote = Quote(gold_.name(), "NO-SUCH-SKU", 1);
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(quote.status()), HasSubstr("\"NO-SUCH-SKU\""));
  quote = Quote(gold_.name(), "SKU-1", 1, CalendarDate{2025, 1, 1});  // list price ended
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(quote.status()), HasSubstr("\"SKU-1\""));
  quote = Quote("customers/999999", "SKU-1", 1);
  EXPECT_EQ(quote.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(quote.status()), HasSubstr("customers/999999"));
  EXPECT_THAT(Message(Quote(gold_.name(), "SKU-1", 0).status()), HasSubstr("quantity: "));
  EXPECT_THAT(Message(Quote(gold_.name(), "", 1).status()), HasSubstr("sku: "));
  EXPECT_THAT(Message(Quote("gold", "SKU-1", 1).status()), HasSubstr("customer: "));
  EXPECT_THAT(Message(Quote(gold_.name(), "SKU-1", 1, CalendarDate{2024, 2, 30}).status()),
              HasSubstr("pricing_date: "));

  v1::DeleteCustomerRequest remove;
  remove.set_name(silver_.name());
  v1::DeleteCustomerResponse removed;
  ASSERT_THAT(customers_.DeleteCustomer(call_, remove, removed), IsOk());
  EXPECT_EQ(Quote(silver_.name(), "SKU-1", 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace crm::customer
