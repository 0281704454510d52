#ifndef CRM_CUSTOMER_SVC_DOMAIN_PRICING_RESOURCES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_PRICING_RESOURCES_H_

// The traits PricingCrud (pricing_crud.h) needs for each pricing resource.

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/filter_fields.h"
#include "crm/customer/v1/pricing.pb.h"
#include "customer_svc/domain/pricing_crud.h"
#include "customer_svc/domain/pricing_repository.h"

namespace crm::customer {

// "priceListEntries/{id}". Filter: sku, list_price.currency_code, valid_from,
// valid_until; order_by sku (default) or valid_from.
struct PriceListEntryTraits {
  using Resource = v1::PriceListEntry;
  static constexpr std::string_view kField = "price_list_entry";
  static constexpr std::string_view kCreateMethod =
      "crm.customer.v1.PricingService/CreatePriceListEntry";
  static constexpr bool kHasParent = false;

  static absl::StatusOr<PricingName> ParseName(std::string_view field, std::string_view name);
  static PricingTable<Resource>& Table(PricingStore& store) { return store.PriceListEntries(); }
  static absl::Status Validate(const Resource& resource);
  static const absl::flat_hash_set<std::string>& UpdatablePaths();
  static const std::vector<common::FilterField<PricingColumn>>& FilterFields();
  static const std::vector<PricingOrderOption>& Orders();
  // `sku "A-1" in EUR`, for overlap errors.
  static std::string DescribeKey(const Resource& resource);
};

// "tierDiscounts/{id}". Filter: tier, sku, valid_from, valid_until; order_by
// tier (default) or valid_from.
struct TierDiscountTraits {
  using Resource = v1::TierDiscount;
  static constexpr std::string_view kField = "tier_discount";
  static constexpr std::string_view kCreateMethod =
      "crm.customer.v1.PricingService/CreateTierDiscount";
  static constexpr bool kHasParent = false;

  static absl::StatusOr<PricingName> ParseName(std::string_view field, std::string_view name);
  static PricingTable<Resource>& Table(PricingStore& store) { return store.TierDiscounts(); }
  static absl::Status Validate(const Resource& resource);
  static const absl::flat_hash_set<std::string>& UpdatablePaths();
  static const std::vector<common::FilterField<PricingColumn>>& FilterFields();
  static const std::vector<PricingOrderOption>& Orders();
  static std::string DescribeKey(const Resource& resource);
};

// "customers/{id}/specialPrices/{id}". Filter: sku, valid_from, valid_until,
// approved_by; order_by sku (default) or valid_until.
struct SpecialPriceTraits {
  using Resource = v1::SpecialPrice;
  static constexpr std::string_view kField = "special_price";
  static constexpr std::string_view kCreateMethod =
      "crm.customer.v1.PricingService/CreateSpecialPrice";
  static constexpr bool kHasParent = true;

  static absl::StatusOr<PricingName> ParseName(std::string_view field, std::string_view name);
  static PricingTable<Resource>& Table(PricingStore& store) { return store.SpecialPrices(); }
  static absl::Status Validate(const Resource& resource);
  static const absl::flat_hash_set<std::string>& UpdatablePaths();
  static const std::vector<common::FilterField<PricingColumn>>& FilterFields();
  static const std::vector<PricingOrderOption>& Orders();
  static std::string DescribeKey(const Resource& resource);
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_PRICING_RESOURCES_H_
