#ifndef CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_COMMUNICATION_RULES_H_
#define CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_COMMUNICATION_RULES_H_

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/supplier/v1/supplier_communication.pb.h"
#include "supplier_svc/domain/supplier_communication_repository.h"

namespace crm::supplier {

// Limits of the SupplierCommunication fields (supplier_communication.proto
// documents subject and summary).
inline constexpr size_t kMaxCommunicationSubjectChars = 200;
inline constexpr size_t kMaxCommunicationSummaryChars = 10000;
inline constexpr size_t kMaxCommunicationPersonChars = 200;
inline constexpr int kMaxRelatedResources = 50;
inline constexpr size_t kMaxRelatedResourceChars = 255;
// How far in the future occur_time may lie (clock skew between clients).
inline constexpr absl::Duration kMaxOccurTimeSkew = absl::Minutes(5);

// Checks every caller-settable field (paths under "supplier_communication.")
// and brings the entry into its stored form: occur_time defaults to `now` and
// is kept to microseconds; direction may stay unset. Output-only fields are not looked at.
// related_resources must be resource names ("purchaseOrders/12", "contracts/3/lines/1"), each
// listed once. INVALID_ARGUMENT naming the field and why.
absl::Status NormalizeCommunication(v1::SupplierCommunication& communication, absl::Time now);

// ListSupplierCommunications filters: channel, direction (enum names),
// author (= != :, "x*" for a prefix), occur_time (RFC 3339), related_resources
// (= a resource name listed among them).
absl::StatusOr<std::vector<CommunicationCondition>> ParseCommunicationFilter(
    std::string_view filter);

// order_by: "occur_time" or "create_time", optional " desc" / " asc";
// "" is "occur_time desc".
absl::Status ParseCommunicationOrder(std::string_view order_by, CommunicationOrder& order,
                                     bool& descending);

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_COMMUNICATION_RULES_H_
