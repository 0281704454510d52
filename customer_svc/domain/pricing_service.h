#ifndef CRM_CUSTOMER_SVC_DOMAIN_PRICING_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_PRICING_SERVICE_H_

#include "absl/status/status.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/pricing_service.pb.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/pricing_crud.h"
#include "customer_svc/domain/pricing_repository.h"
#include "customer_svc/domain/pricing_resources.h"

namespace crm::customer {

// The rules of crm.customer.v1.PricingService, independent of gRPC and SQL:
// the standard methods of price list entries, tier discounts and special
// prices (PricingCrud) and QuotePrice (ComputeQuote over the rows valid on the
// pricing date, the customer's tier read from the customers table).
class PricingService {
 public:
  PricingService(PricingRepository& repository, Clock clock);

  absl::Status GetPriceListEntry(const common::CallContext& call,
                                 const v1::GetPriceListEntryRequest& request,
                                 v1::GetPriceListEntryResponse& response);
  absl::Status ListPriceListEntries(const common::CallContext& call,
                                    const v1::ListPriceListEntriesRequest& request,
                                    v1::ListPriceListEntriesResponse& response);
  absl::Status CreatePriceListEntry(const common::CallContext& call,
                                    const v1::CreatePriceListEntryRequest& request,
                                    v1::CreatePriceListEntryResponse& response);
  absl::Status UpdatePriceListEntry(const common::CallContext& call,
                                    const v1::UpdatePriceListEntryRequest& request,
                                    v1::UpdatePriceListEntryResponse& response);
  absl::Status DeletePriceListEntry(const common::CallContext& call,
                                    const v1::DeletePriceListEntryRequest& request,
                                    v1::DeletePriceListEntryResponse& response);
  absl::Status UndeletePriceListEntry(const common::CallContext& call,
                                      const v1::UndeletePriceListEntryRequest& request,
                                      v1::UndeletePriceListEntryResponse& response);

  absl::Status GetTierDiscount(const common::CallContext& call,
                               const v1::GetTierDiscountRequest& request,
                               v1::GetTierDiscountResponse& response);
  absl::Status ListTierDiscounts(const common::CallContext& call,
                                 const v1::ListTierDiscountsRequest& request,
                                 v1::ListTierDiscountsResponse& response);
  absl::Status CreateTierDiscount(const common::CallContext& call,
                                  const v1::CreateTierDiscountRequest& request,
                                  v1::CreateTierDiscountResponse& response);
  absl::Status UpdateTierDiscount(const common::CallContext& call,
                                  const v1::UpdateTierDiscountRequest& request,
                                  v1::UpdateTierDiscountResponse& response);
  absl::Status DeleteTierDiscount(const common::CallContext& call,
                                  const v1::DeleteTierDiscountRequest& request,
                                  v1::DeleteTierDiscountResponse& response);
  absl::Status UndeleteTierDiscount(const common::CallContext& call,
                                    const v1::UndeleteTierDiscountRequest& request,
                                    v1::UndeleteTierDiscountResponse& response);

  absl::Status GetSpecialPrice(const common::CallContext& call,
                               const v1::GetSpecialPriceRequest& request,
                               v1::GetSpecialPriceResponse& response);
  absl::Status ListSpecialPrices(const common::CallContext& call,
                                 const v1::ListSpecialPricesRequest& request,
                                 v1::ListSpecialPricesResponse& response);
  absl::Status CreateSpecialPrice(const common::CallContext& call,
                                  const v1::CreateSpecialPriceRequest& request,
                                  v1::CreateSpecialPriceResponse& response);
  absl::Status UpdateSpecialPrice(const common::CallContext& call,
                                  const v1::UpdateSpecialPriceRequest& request,
                                  v1::UpdateSpecialPriceResponse& response);
  absl::Status DeleteSpecialPrice(const common::CallContext& call,
                                  const v1::DeleteSpecialPriceRequest& request,
                                  v1::DeleteSpecialPriceResponse& response);
  absl::Status UndeleteSpecialPrice(const common::CallContext& call,
                                    const v1::UndeleteSpecialPriceRequest& request,
                                    v1::UndeleteSpecialPriceResponse& response);

  absl::Status QuotePrice(const common::CallContext& call, const v1::QuotePriceRequest& request,
                          v1::QuotePriceResponse& response);

 private:
  PricingRepository& repository_;
  Clock clock_;
  PricingCrud<PriceListEntryTraits> price_list_entries_;
  PricingCrud<TierDiscountTraits> tier_discounts_;
  PricingCrud<SpecialPriceTraits> special_prices_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_PRICING_SERVICE_H_
