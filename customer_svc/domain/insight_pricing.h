#ifndef CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_PRICING_H_
#define CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_PRICING_H_

#include <memory>

#include "customer_svc/domain/insight_service.h"
#include "customer_svc/domain/pricing_service.h"

namespace crm::customer {

// An OfferQuoter that asks a PricingService over `repository` for the
// customer's QuotePrice of one unit today. A SKU pricing cannot quote (no
// list price, several currencies: NOT_FOUND, INVALID_ARGUMENT,
// FAILED_PRECONDITION) gets no offer price; other errors are returned.
InsightService::OfferQuoter QuoteWithPricing(std::shared_ptr<PricingRepository> repository,
                                             Clock clock);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_PRICING_H_
