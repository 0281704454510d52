#include "customer_svc/domain/insight_pricing.h"

#include <utility>

namespace crm::customer {

InsightService::OfferQuoter QuoteWithPricing(std::shared_ptr<PricingRepository> repository,
                                             Clock clock) {
  auto pricing = std::make_shared<PricingService>(*repository, std::move(clock));
  return [repository, pricing](
             const common::CallContext& call, const std::string& customer,
             const std::string& sku) -> absl::StatusOr<std::optional<crm::common::v1::Money>> {
    v1::QuotePriceRequest request;
    request.set_customer(customer);
    request.set_sku(sku);
    request.set_quantity(1);
    v1::QuotePriceResponse response;
    absl::Status status = pricing->QuotePrice(call, request, response);
    if (status.ok()) return response.quote().unit_price();
    switch (status.code()) {
      case absl::StatusCode::kNotFound:
      case absl::StatusCode::kInvalidArgument:
      case absl::StatusCode::kFailedPrecondition:
        return std::nullopt;
      default:
        return status;
    }
  };
}

}  // namespace crm::customer
