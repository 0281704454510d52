#ifndef CRM_CUSTOMER_SVC_DOMAIN_SERVICE_CASE_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_SERVICE_CASE_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/service_case.pb.h"

namespace crm::customer {

// Limits of the ServiceCase fields and requests (service_case*.proto).
inline constexpr size_t kMaxCaseSubjectChars = 200;
inline constexpr size_t kMaxCaseDescriptionChars = 10000;
inline constexpr size_t kMaxCaseResolutionChars = 10000;
inline constexpr size_t kMaxCaseReasonChars = 1000;
inline constexpr size_t kMaxCsatCommentChars = 4000;
inline constexpr int kMinCsatScore = 1;
inline constexpr int kMaxCsatScore = 5;

// What a customer's tier promises for its service cases. The one table of
// service levels: TierServiceLevel reads it, nothing else hard-codes them.
struct ServiceLevel {
  v1::Tier tier;
  v1::CasePriority default_priority;
  absl::Duration resolve_within;
};
inline constexpr ServiceLevel kServiceLevels[] = {
    {v1::TIER_PLATINUM, v1::CASE_PRIORITY_HIGH, absl::Hours(4)},
    {v1::TIER_GOLD, v1::CASE_PRIORITY_MEDIUM, absl::Hours(8)},
    {v1::TIER_SILVER, v1::CASE_PRIORITY_LOW, absl::Hours(24)},
    {v1::TIER_STANDARD, v1::CASE_PRIORITY_LOW, absl::Hours(48)},
};

// The service level of `tier`; an unset or unknown tier counts as STANDARD.
const ServiceLevel& TierServiceLevel(v1::Tier tier);

// When a case opened at `open_time` for a customer of `tier` is due.
absl::Time SlaDueTime(v1::Tier tier, absl::Time open_time);

// The legal status moves (see CaseStatus in service_case.proto):
// OPEN→PENDING, PENDING→OPEN, OPEN→RESOLVED, PENDING→RESOLVED, RESOLVED→OPEN,
// RESOLVED→CLOSED.
bool IsLegalCaseTransition(v1::CaseStatus from, v1::CaseStatus to);

// OK for a legal move; otherwise FAILED_PRECONDITION naming the case, both
// statuses and the moves that are legal from `from`.
absl::Status CheckCaseTransition(std::string_view case_name, v1::CaseStatus from,
                                 v1::CaseStatus to);

// Escalation is allowed while the case is OPEN or PENDING; otherwise
// FAILED_PRECONDITION naming the case and its status.
absl::Status CheckCanEscalate(std::string_view case_name, v1::CaseStatus status);

// The priority after an escalation: `requested` when set (it must not be
// below `current`: INVALID_ARGUMENT "priority: ..."), else one step above
// `current` (URGENT stays URGENT).
absl::StatusOr<v1::CasePriority> EscalatedPriority(v1::CasePriority current,
                                                   v1::CasePriority requested);

// 0 (no score) or kMinCsatScore..kMaxCsatScore; else INVALID_ARGUMENT naming `field`.
absl::Status ValidateCsatScore(std::string_view field, int32_t score);

// Whether the case missed its SLA: resolved (or closed) after sla_due_time,
// or still unresolved at `now` past it.
bool IsSlaBreached(const v1::ServiceCase& service_case, absl::Time now);

// "CS-000123" for id 123 (at least six digits, more when the id needs them).
std::string FormatCaseNumber(int64_t id);

// "OPEN" for CASE_STATUS_OPEN; "HIGH" for CASE_PRIORITY_HIGH.
std::string CaseStatusName(v1::CaseStatus status);
std::string CasePriorityName(v1::CasePriority priority);

// Checks the caller-settable fields of a case (subject, description,
// priority, assignee; reported under "service_case."). The first problem is
// INVALID_ARGUMENT naming the field and why.
absl::Status ValidateServiceCase(const v1::ServiceCase& service_case);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_SERVICE_CASE_RULES_H_
