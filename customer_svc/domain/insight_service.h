#ifndef CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_SERVICE_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/server/call_runner.h"
#include "crm/common/v1/money.pb.h"
#include "crm/customer/v1/insight_service.pb.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/insight_repository.h"

namespace crm::customer {

// The rules of crm.customer.v1.InsightService. Every figure is computed on
// each call from stored purchases, interactions, service cases, feedback and
// loyalty rows (formulas in insight_rules.h); nothing is typed in or cached.
// RefreshLifecycle is the only writer: it moves inactive ACTIVE and WON_BACK
// customers to AT_RISK as automatic lifecycle transitions, in one transaction.
class InsightService {
 public:
  // The price of one unit of `sku` quoted for `customer` ("customers/{id}"),
  // nullopt when the SKU has no price to quote.
  using OfferQuoter = std::function<absl::StatusOr<std::optional<crm::common::v1::Money>>(
      const common::CallContext& call, const std::string& customer, const std::string& sku)>;

  // `quoter` fills offer_price of OFFER_PRODUCT actions; without one they have none.
  InsightService(InsightRepository& repository, Clock clock, OfferQuoter quoter = nullptr);

  absl::Status GetRfmScores(const common::CallContext& call, const v1::GetRfmScoresRequest& request,
                            v1::GetRfmScoresResponse& response);
  absl::Status ListRfmScores(const common::CallContext& call,
                             const v1::ListRfmScoresRequest& request,
                             v1::ListRfmScoresResponse& response);
  absl::Status ListSegments(const common::CallContext& call, const v1::ListSegmentsRequest& request,
                            v1::ListSegmentsResponse& response);
  absl::Status GetHealthScore(const common::CallContext& call,
                              const v1::GetHealthScoreRequest& request,
                              v1::GetHealthScoreResponse& response);
  absl::Status RefreshLifecycle(const common::CallContext& call,
                                const v1::RefreshLifecycleRequest& request,
                                v1::RefreshLifecycleResponse& response);
  absl::Status RecommendProducts(const common::CallContext& call,
                                 const v1::RecommendProductsRequest& request,
                                 v1::RecommendProductsResponse& response);
  absl::Status GetSalesPlan(const common::CallContext& call, const v1::GetSalesPlanRequest& request,
                            v1::GetSalesPlanResponse& response);

 private:
  absl::Time Now() const;
  // The live customer named `name` in request field `field`.
  absl::StatusOr<CustomerBasics> LiveCustomer(const common::CallContext& call,
                                              std::string_view field, std::string_view name);

  InsightRepository& repository_;
  Clock clock_;
  OfferQuoter quoter_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_INSIGHT_SERVICE_H_
