#include "customer_svc/domain/customer_summary.h"

#include <utility>

#include "absl/time/civil_time.h"
#include "customer_svc/domain/list_filters.h"

namespace crm::customer {

CustomerSummaryService::CustomerSummaryService(CustomerRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Status CustomerSummaryService::GetCustomerSummary(
    const common::CallContext& call, const v1::GetCustomerSummaryRequest& request,
    v1::GetCustomerSummaryResponse& response) {
  absl::StatusOr<std::vector<CustomerCondition>> conditions = ParseCustomerFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  SummaryQuery query;
  query.conditions = *std::move(conditions);
  // Twelve calendar months back in UTC (29 February maps to 1 March).
  const absl::Time now = clock_();
  const absl::CivilSecond today = absl::ToCivilSecond(now, absl::UTCTimeZone());
  const absl::CivilSecond year_ago(today.year() - 1, today.month(), today.day(), today.hour(),
                                   today.minute(), today.second());
  query.purchases_since = absl::FromCivil(year_ago, absl::UTCTimeZone());
  absl::StatusOr<v1::CustomerSummary> summary = repository_.ComputeSummary(call.deadline, query);
  if (!summary.ok()) return summary.status();
  *response.mutable_summary() = *std::move(summary);
  return absl::OkStatus();
}

}  // namespace crm::customer
