#include "customer_svc/domain/pricing_resources.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "customer_svc/domain/pricing_rules.h"
#include "customer_svc/domain/pricing_validation.h"

namespace crm::customer {
namespace {

using Kind = common::FilterValueKind;
using Field = common::FilterField<PricingColumn>;

absl::StatusOr<PricingName> ParseTopLevelName(std::string_view field, std::string_view name,
                                              std::string_view collection) {
  absl::StatusOr<int64_t> id = common::ParseResourceId(field, name, collection);
  if (!id.ok()) return id.status();
  return PricingName{0, *id};
}

std::string MinQuantityText(int64_t min_quantity) {
  return EffectiveMinQuantity(min_quantity) > 1 ? absl::StrFormat(", from %d units", min_quantity)
                                                : std::string();
}

}  // namespace

absl::Status RequireLiveCustomer(PricingStore& store, int64_t customer_id) {
  absl::StatusOr<std::optional<PricingCustomer>> customer =
      store.FindCustomer(customer_id, /*lock=*/true);
  if (!customer.ok()) return customer.status();
  const std::string name = common::FormatResourceName("customers", customer_id);
  if (!customer->has_value()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  if ((*customer)->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " is deleted; undelete it before changing its special prices"));
  }
  return absl::OkStatus();
}

// Price list entries.

absl::StatusOr<PricingName> PriceListEntryTraits::ParseName(std::string_view field,
                                                            std::string_view name) {
  return ParseTopLevelName(field, name, "priceListEntries");
}

absl::Status PriceListEntryTraits::Validate(const Resource& resource) {
  return ValidatePriceListEntry(kField, resource);
}

const absl::flat_hash_set<std::string>& PriceListEntryTraits::UpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "sku", "description", "list_price", "valid_from", "valid_until"};
  return *paths;
}

const std::vector<Field>& PriceListEntryTraits::FilterFields() {
  static const auto* const fields = new std::vector<Field>{
      {"sku", PricingColumn::kSku, Kind::kText},
      {"list_price.currency_code", PricingColumn::kCurrency, Kind::kUpper},
      {"valid_from", PricingColumn::kValidFrom, Kind::kDate},
      {"valid_until", PricingColumn::kValidUntil, Kind::kDate},
  };
  return *fields;
}

const std::vector<PricingOrderOption>& PriceListEntryTraits::Orders() {
  static const auto* const orders = new std::vector<PricingOrderOption>{
      {"sku", PricingOrder::kSku}, {"valid_from", PricingOrder::kValidFrom}};
  return *orders;
}

std::string PriceListEntryTraits::DescribeKey(const Resource& resource) {
  return absl::StrFormat("sku %s in %s", common::QuoteValue(resource.sku()),
                         resource.list_price().currency_code());
}

// Tier discounts.

absl::StatusOr<PricingName> TierDiscountTraits::ParseName(std::string_view field,
                                                          std::string_view name) {
  return ParseTopLevelName(field, name, "tierDiscounts");
}

absl::Status TierDiscountTraits::Validate(const Resource& resource) {
  return ValidateTierDiscount(kField, resource);
}

const absl::flat_hash_set<std::string>& TierDiscountTraits::UpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "tier", "sku", "discount_basis_points", "min_quantity", "valid_from", "valid_until"};
  return *paths;
}

const std::vector<Field>& TierDiscountTraits::FilterFields() {
  static const auto* const fields = new std::vector<Field>{
      {"tier", PricingColumn::kTier, Kind::kEnum, v1::Tier_descriptor()},
      {"sku", PricingColumn::kSku, Kind::kText},
      {"valid_from", PricingColumn::kValidFrom, Kind::kDate},
      {"valid_until", PricingColumn::kValidUntil, Kind::kDate},
  };
  return *fields;
}

const std::vector<PricingOrderOption>& TierDiscountTraits::Orders() {
  static const auto* const orders = new std::vector<PricingOrderOption>{
      {"tier", PricingOrder::kTier}, {"valid_from", PricingOrder::kValidFrom}};
  return *orders;
}

std::string TierDiscountTraits::DescribeKey(const Resource& resource) {
  return absl::StrFormat("%s tier, %s%s", v1::Tier_Name(resource.tier()),
                         resource.sku().empty()
                             ? std::string("every sku")
                             : absl::StrCat("sku ", common::QuoteValue(resource.sku())),
                         MinQuantityText(resource.min_quantity()));
}

// Special prices.

absl::StatusOr<PricingName> SpecialPriceTraits::ParseName(std::string_view field,
                                                          std::string_view name) {
  static constexpr std::string_view kCollections[] = {"customers", "specialPrices"};
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseNestedResourceName(field, name, kCollections);
  if (!ids.ok()) return ids.status();
  return PricingName{(*ids)[0], (*ids)[1]};
}

absl::Status SpecialPriceTraits::Validate(const Resource& resource) {
  return ValidateSpecialPrice(kField, resource);
}

const absl::flat_hash_set<std::string>& SpecialPriceTraits::UpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "sku", "unit_price", "min_quantity", "valid_from", "valid_until", "reason", "approved_by"};
  return *paths;
}

const std::vector<Field>& SpecialPriceTraits::FilterFields() {
  static const auto* const fields = new std::vector<Field>{
      {"sku", PricingColumn::kSku, Kind::kText},
      {"valid_from", PricingColumn::kValidFrom, Kind::kDate},
      {"valid_until", PricingColumn::kValidUntil, Kind::kDate},
      {"approved_by", PricingColumn::kApprovedBy, Kind::kExact},
  };
  return *fields;
}

const std::vector<PricingOrderOption>& SpecialPriceTraits::Orders() {
  static const auto* const orders = new std::vector<PricingOrderOption>{
      {"sku", PricingOrder::kSku}, {"valid_until", PricingOrder::kValidUntil}};
  return *orders;
}

std::string SpecialPriceTraits::DescribeKey(const Resource& resource) {
  return absl::StrFormat("sku %s in %s%s", common::QuoteValue(resource.sku()),
                         resource.unit_price().currency_code(),
                         MinQuantityText(resource.min_quantity()));
}

}  // namespace crm::customer
