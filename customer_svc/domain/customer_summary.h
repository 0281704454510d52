#ifndef CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_SUMMARY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_SUMMARY_H_

#include "absl/status/status.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/customer_service.pb.h"
#include "customer_svc/domain/customer_repository.h"
#include "customer_svc/domain/customer_service.h"

namespace crm::customer {

// CustomerService.GetCustomerSummary, computed from the stored rows: the live
// customers matching the filter (ListCustomers' filter fields) counted in all,
// per lifecycle stage and per tier (every stage and tier listed, zeros
// included), and the amounts of their purchases of the last 12 months (by
// purchase_time; cancelled, returned and deleted purchases excluded) per
// currency, sorted by currency code.
class CustomerSummaryService {
 public:
  CustomerSummaryService(CustomerRepository& repository, Clock clock);

  absl::Status GetCustomerSummary(const common::CallContext& call,
                                  const v1::GetCustomerSummaryRequest& request,
                                  v1::GetCustomerSummaryResponse& response);

 private:
  CustomerRepository& repository_;
  Clock clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_SUMMARY_H_
