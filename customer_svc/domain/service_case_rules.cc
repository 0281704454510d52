#include "customer_svc/domain/service_case_rules.h"

#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {
namespace {

using v1::CaseStatus;

constexpr std::pair<CaseStatus, CaseStatus> kLegalMoves[] = {
    {v1::CASE_STATUS_OPEN, v1::CASE_STATUS_PENDING},
    {v1::CASE_STATUS_PENDING, v1::CASE_STATUS_OPEN},
    {v1::CASE_STATUS_OPEN, v1::CASE_STATUS_RESOLVED},
    {v1::CASE_STATUS_PENDING, v1::CASE_STATUS_RESOLVED},
    {v1::CASE_STATUS_RESOLVED, v1::CASE_STATUS_OPEN},
    {v1::CASE_STATUS_RESOLVED, v1::CASE_STATUS_CLOSED},
};

std::string WithoutPrefix(const std::string& full, std::string_view prefix) {
  return full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
}

}  // namespace

const ServiceLevel& TierServiceLevel(v1::Tier tier) {
  for (const ServiceLevel& level : kServiceLevels) {
    if (level.tier == tier) return level;
  }
  return TierServiceLevel(v1::TIER_STANDARD);
}

absl::Time SlaDueTime(v1::Tier tier, absl::Time open_time) {
  return open_time + TierServiceLevel(tier).resolve_within;
}

bool IsLegalCaseTransition(CaseStatus from, CaseStatus to) {
  for (const auto& [legal_from, legal_to] : kLegalMoves) {
    if (legal_from == from && legal_to == to) return true;
  }
  return false;
}

absl::Status CheckCaseTransition(std::string_view case_name, CaseStatus from, CaseStatus to) {
  if (IsLegalCaseTransition(from, to)) return absl::OkStatus();
  std::vector<std::string> legal;
  for (int next = v1::CaseStatus_MIN; next <= v1::CaseStatus_MAX; ++next) {
    if (IsLegalCaseTransition(from, static_cast<CaseStatus>(next))) {
      legal.push_back(CaseStatusName(static_cast<CaseStatus>(next)));
    }
  }
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s cannot move from status %s to %s; from %s it can move to %s", std::string(case_name),
      CaseStatusName(from), CaseStatusName(to), CaseStatusName(from),
      legal.empty() ? "no other status" : absl::StrJoin(legal, ", ")));
}

absl::Status CheckCanEscalate(std::string_view case_name, CaseStatus status) {
  if (status == v1::CASE_STATUS_OPEN || status == v1::CASE_STATUS_PENDING) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrFormat("%s is %s; only OPEN or PENDING cases can be escalated",
                      std::string(case_name), CaseStatusName(status)));
}

absl::StatusOr<v1::CasePriority> EscalatedPriority(v1::CasePriority current,
                                                   v1::CasePriority requested) {
  if (requested == v1::CASE_PRIORITY_UNSPECIFIED) {
    if (current >= v1::CASE_PRIORITY_URGENT) return v1::CASE_PRIORITY_URGENT;
    if (current < v1::CASE_PRIORITY_LOW) return v1::CASE_PRIORITY_MEDIUM;
    return static_cast<v1::CasePriority>(current + 1);
  }
  if (requested < current) {
    return absl::InvalidArgumentError(
        absl::StrFormat("priority: an escalation cannot lower the priority from %s to %s",
                        CasePriorityName(current), CasePriorityName(requested)));
  }
  return requested;
}

absl::Status ValidateCsatScore(std::string_view field, int32_t score) {
  if (score == 0 || (score >= kMinCsatScore && score <= kMaxCsatScore)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: must be between %d and %d, or 0 when the customer gave none (got %d)",
                      std::string(field), kMinCsatScore, kMaxCsatScore, score));
}

bool IsSlaBreached(const v1::ServiceCase& service_case, absl::Time now) {
  const absl::Time due = common::FromProtoTimestamp(service_case.sla_due_time());
  const bool settled = service_case.status() == v1::CASE_STATUS_RESOLVED ||
                       service_case.status() == v1::CASE_STATUS_CLOSED;
  if (settled && service_case.has_resolve_time()) {
    return common::FromProtoTimestamp(service_case.resolve_time()) > due;
  }
  return now > due;
}

std::string FormatCaseNumber(int64_t id) { return absl::StrFormat("CS-%06d", id); }

std::string CaseStatusName(CaseStatus status) {
  return WithoutPrefix(v1::CaseStatus_Name(status), "CASE_STATUS_");
}

std::string CasePriorityName(v1::CasePriority priority) {
  return WithoutPrefix(v1::CasePriority_Name(priority), "CASE_PRIORITY_");
}

absl::Status ValidateServiceCase(const v1::ServiceCase& service_case) {
  common::Validator v;
  v.Check(common::ValidateRequiredText("service_case.subject", service_case.subject(),
                                       kMaxCaseSubjectChars));
  v.Check(common::ValidateLength("service_case.description", service_case.description(), 0,
                                 kMaxCaseDescriptionChars));
  v.Check(common::ValidateEnum("service_case.priority", service_case.priority(),
                               *v1::CasePriority_descriptor(), /*allow_unspecified=*/true));
  v.Check(ValidateOptionalEmployee("service_case.assignee", service_case.assignee()));
  return v.status();
}

}  // namespace crm::customer
