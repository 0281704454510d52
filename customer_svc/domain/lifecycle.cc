#include "customer_svc/domain/lifecycle.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace crm::customer {
namespace {

using v1::LifecycleStage;

constexpr std::pair<LifecycleStage, LifecycleStage> kLegalMoves[] = {
    {v1::LIFECYCLE_STAGE_LEAD, v1::LIFECYCLE_STAGE_PROSPECT},
    {v1::LIFECYCLE_STAGE_LEAD, v1::LIFECYCLE_STAGE_ACTIVE},
    {v1::LIFECYCLE_STAGE_PROSPECT, v1::LIFECYCLE_STAGE_ACTIVE},
    {v1::LIFECYCLE_STAGE_ACTIVE, v1::LIFECYCLE_STAGE_AT_RISK},
    {v1::LIFECYCLE_STAGE_ACTIVE, v1::LIFECYCLE_STAGE_CHURNED},
    {v1::LIFECYCLE_STAGE_AT_RISK, v1::LIFECYCLE_STAGE_ACTIVE},
    {v1::LIFECYCLE_STAGE_AT_RISK, v1::LIFECYCLE_STAGE_CHURNED},
    {v1::LIFECYCLE_STAGE_CHURNED, v1::LIFECYCLE_STAGE_WON_BACK},
    {v1::LIFECYCLE_STAGE_WON_BACK, v1::LIFECYCLE_STAGE_ACTIVE},
    {v1::LIFECYCLE_STAGE_WON_BACK, v1::LIFECYCLE_STAGE_AT_RISK},
};

}  // namespace

bool IsLegalTransition(LifecycleStage from, LifecycleStage to) {
  for (const auto& [legal_from, legal_to] : kLegalMoves) {
    if (legal_from == from && legal_to == to) return true;
  }
  return false;
}

std::vector<LifecycleStage> LegalNextStages(LifecycleStage from) {
  std::vector<LifecycleStage> stages;
  for (int to = v1::LifecycleStage_MIN; to <= v1::LifecycleStage_MAX; ++to) {
    if (IsLegalTransition(from, static_cast<LifecycleStage>(to))) {
      stages.push_back(static_cast<LifecycleStage>(to));
    }
  }
  return stages;
}

absl::Status CheckTransition(std::string_view customer_name, LifecycleStage from,
                             LifecycleStage to) {
  if (IsLegalTransition(from, to)) return absl::OkStatus();
  std::vector<std::string> legal;
  for (LifecycleStage stage : LegalNextStages(from)) legal.push_back(StageName(stage));
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s cannot move from lifecycle stage %s to %s; from %s it can move to %s", customer_name,
      StageName(from), StageName(to), StageName(from),
      legal.empty() ? "no other stage" : absl::StrJoin(legal, ", ")));
}

std::string StageName(LifecycleStage stage) {
  const std::string& full = v1::LifecycleStage_Name(stage);
  constexpr std::string_view kPrefix = "LIFECYCLE_STAGE_";
  return full.rfind(kPrefix, 0) == 0 ? full.substr(kPrefix.size()) : full;
}

}  // namespace crm::customer
