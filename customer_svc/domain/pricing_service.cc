#include "customer_svc/domain/pricing_service.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/calendar_date.h"
#include "common/api/fingerprint.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/validation.h"
#include "customer_svc/domain/pricing_rules.h"
#include "customer_svc/domain/pricing_validation.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {
namespace {

// The request's fingerprint for idempotency: its bytes without the request_id.
template <typename Request>
std::string CreateFingerprint(const Request& request) {
  Request copy = request;
  copy.clear_request_id();
  return common::DeterministicBytes(copy);
}

template <typename Request>
PricingListRequest ListParameters(const Request& request) {
  PricingListRequest list;
  list.page_size = request.page_size();
  list.page_token = request.page_token();
  list.filter = request.filter();
  list.order_by = request.order_by();
  list.show_deleted = request.show_deleted();
  return list;
}

}  // namespace

PricingService::PricingService(PricingRepository& repository, Clock clock)
    : repository_(repository),
      clock_(clock),
      price_list_entries_(repository, clock),
      tier_discounts_(repository, clock),
      special_prices_(repository, clock) {}

// Price list entries.

absl::Status PricingService::GetPriceListEntry(const common::CallContext& call,
                                               const v1::GetPriceListEntryRequest& request,
                                               v1::GetPriceListEntryResponse& response) {
  return price_list_entries_.Get(call, request.name(), *response.mutable_price_list_entry());
}

absl::Status PricingService::ListPriceListEntries(const common::CallContext& call,
                                                  const v1::ListPriceListEntriesRequest& request,
                                                  v1::ListPriceListEntriesResponse& response) {
  return price_list_entries_.List(call, ListParameters(request),
                                  *response.mutable_price_list_entries(),
                                  *response.mutable_next_page_token());
}

absl::Status PricingService::CreatePriceListEntry(const common::CallContext& call,
                                                  const v1::CreatePriceListEntryRequest& request,
                                                  v1::CreatePriceListEntryResponse& response) {
  return price_list_entries_.Create(call, 0, request.price_list_entry(), request.request_id(),
                                    CreateFingerprint(request),
                                    *response.mutable_price_list_entry());
}

absl::Status PricingService::UpdatePriceListEntry(const common::CallContext& call,
                                                  const v1::UpdatePriceListEntryRequest& request,
                                                  v1::UpdatePriceListEntryResponse& response) {
  return price_list_entries_.Update(call, request.price_list_entry(), request.update_mask(),
                                    *response.mutable_price_list_entry());
}

absl::Status PricingService::DeletePriceListEntry(const common::CallContext& call,
                                                  const v1::DeletePriceListEntryRequest& request,
                                                  v1::DeletePriceListEntryResponse& response) {
  return price_list_entries_.Delete(call, request.name(), request.etag(),
                                    *response.mutable_price_list_entry());
}

absl::Status PricingService::UndeletePriceListEntry(
    const common::CallContext& call, const v1::UndeletePriceListEntryRequest& request,
    v1::UndeletePriceListEntryResponse& response) {
  return price_list_entries_.Undelete(call, request.name(), request.etag(),
                                      *response.mutable_price_list_entry());
}

// Tier discounts.

absl::Status PricingService::GetTierDiscount(const common::CallContext& call,
                                             const v1::GetTierDiscountRequest& request,
                                             v1::GetTierDiscountResponse& response) {
  return tier_discounts_.Get(call, request.name(), *response.mutable_tier_discount());
}

absl::Status PricingService::ListTierDiscounts(const common::CallContext& call,
                                               const v1::ListTierDiscountsRequest& request,
                                               v1::ListTierDiscountsResponse& response) {
  return tier_discounts_.List(call, ListParameters(request), *response.mutable_tier_discounts(),
                              *response.mutable_next_page_token());
}

absl::Status PricingService::CreateTierDiscount(const common::CallContext& call,
                                                const v1::CreateTierDiscountRequest& request,
                                                v1::CreateTierDiscountResponse& response) {
  return tier_discounts_.Create(call, 0, request.tier_discount(), request.request_id(),
                                CreateFingerprint(request), *response.mutable_tier_discount());
}

absl::Status PricingService::UpdateTierDiscount(const common::CallContext& call,
                                                const v1::UpdateTierDiscountRequest& request,
                                                v1::UpdateTierDiscountResponse& response) {
  return tier_discounts_.Update(call, request.tier_discount(), request.update_mask(),
                                *response.mutable_tier_discount());
}

absl::Status PricingService::DeleteTierDiscount(const common::CallContext& call,
                                                const v1::DeleteTierDiscountRequest& request,
                                                v1::DeleteTierDiscountResponse& response) {
  return tier_discounts_.Delete(call, request.name(), request.etag(),
                                *response.mutable_tier_discount());
}

absl::Status PricingService::UndeleteTierDiscount(const common::CallContext& call,
                                                  const v1::UndeleteTierDiscountRequest& request,
                                                  v1::UndeleteTierDiscountResponse& response) {
  return tier_discounts_.Undelete(call, request.name(), request.etag(),
                                  *response.mutable_tier_discount());
}

// Special prices.

absl::Status PricingService::GetSpecialPrice(const common::CallContext& call,
                                             const v1::GetSpecialPriceRequest& request,
                                             v1::GetSpecialPriceResponse& response) {
  return special_prices_.Get(call, request.name(), *response.mutable_special_price());
}

absl::Status PricingService::ListSpecialPrices(const common::CallContext& call,
                                               const v1::ListSpecialPricesRequest& request,
                                               v1::ListSpecialPricesResponse& response) {
  PricingListRequest list = ListParameters(request);
  list.parent = request.parent();
  if (request.parent() != "customers/-") {
    absl::StatusOr<int64_t> id = ParseCustomerListParent(request.parent());
    if (!id.ok()) return id.status();
    absl::Status exists = repository_.Read(call.deadline, [&](PricingStore& store) {
      absl::StatusOr<std::optional<PricingCustomer>> customer =
          store.FindCustomer(*id, /*lock=*/false);
      if (!customer.ok()) return customer.status();
      if (!customer->has_value()) {
        return absl::NotFoundError(absl::StrCat(request.parent(), " does not exist"));
      }
      return absl::OkStatus();
    });
    if (!exists.ok()) return exists;
    list.parent_id = *id;
  }
  return special_prices_.List(call, list, *response.mutable_special_prices(),
                              *response.mutable_next_page_token());
}

absl::Status PricingService::CreateSpecialPrice(const common::CallContext& call,
                                                const v1::CreateSpecialPriceRequest& request,
                                                v1::CreateSpecialPriceResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("parent", request.parent(), "customers");
  if (!customer_id.ok()) return customer_id.status();
  return special_prices_.Create(call, *customer_id, request.special_price(), request.request_id(),
                                CreateFingerprint(request), *response.mutable_special_price());
}

absl::Status PricingService::UpdateSpecialPrice(const common::CallContext& call,
                                                const v1::UpdateSpecialPriceRequest& request,
                                                v1::UpdateSpecialPriceResponse& response) {
  return special_prices_.Update(call, request.special_price(), request.update_mask(),
                                *response.mutable_special_price());
}

absl::Status PricingService::DeleteSpecialPrice(const common::CallContext& call,
                                                const v1::DeleteSpecialPriceRequest& request,
                                                v1::DeleteSpecialPriceResponse& response) {
  return special_prices_.Delete(call, request.name(), request.etag(),
                                *response.mutable_special_price());
}

absl::Status PricingService::UndeleteSpecialPrice(const common::CallContext& call,
                                                  const v1::UndeleteSpecialPriceRequest& request,
                                                  v1::UndeleteSpecialPriceResponse& response) {
  return special_prices_.Undelete(call, request.name(), request.etag(),
                                  *response.mutable_special_price());
}

// Quotes.

absl::Status PricingService::QuotePrice(const common::CallContext& call,
                                        const v1::QuotePriceRequest& request,
                                        v1::QuotePriceResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("customer", request.customer(), "customers");
  if (!customer_id.ok()) return customer_id.status();
  common::Validator v;
  v.Check(ValidateSku("sku", request.sku()));
  if (request.quantity() < 1) {
    v.Check(absl::InvalidArgumentError(
        absl::StrFormat("quantity: must be at least 1 (got %d)", request.quantity())));
  }
  if (request.has_pricing_date()) {
    v.Check(common::ValidateCalendarDate("pricing_date",
                                         common::FromDateMessage(request.pricing_date())));
  }
  if (!request.currency_code().empty()) {
    v.Check(common::ValidateCurrencyCode("currency_code", request.currency_code()));
  }
  if (!v.ok()) return v.status();

  QuoteInput input;
  input.customer = request.customer();
  input.sku = request.sku();
  input.quantity = request.quantity();
  input.currency_code = request.currency_code();
  input.date = request.has_pricing_date() ? common::FromDateMessage(request.pricing_date())
                                          : common::UtcDate(clock_());
  PricingCandidates candidates;
  absl::Status read = repository_.Read(call.deadline, [&](PricingStore& store) -> absl::Status {
    absl::StatusOr<std::optional<PricingCustomer>> customer =
        store.FindCustomer(*customer_id, /*lock=*/false);
    if (!customer.ok()) return customer.status();
    if (!customer->has_value()) {
      return absl::NotFoundError(absl::StrCat(request.customer(), " does not exist"));
    }
    if ((*customer)->deleted) {
      return absl::FailedPreconditionError(
          absl::StrCat(request.customer(), " is deleted; undelete it to quote prices"));
    }
    input.tier = (*customer)->tier == v1::TIER_UNSPECIFIED ? v1::TIER_STANDARD : (*customer)->tier;
    absl::StatusOr<PricingCandidates> found =
        store.FindCandidates(*customer_id, input.tier, input.sku, input.date);
    if (!found.ok()) return found.status();
    candidates = *std::move(found);
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  absl::StatusOr<v1::PriceQuote> quote = ComputeQuote(input, candidates);
  if (!quote.ok()) return quote.status();
  *response.mutable_quote() = *std::move(quote);
  return absl::OkStatus();
}

}  // namespace crm::customer
