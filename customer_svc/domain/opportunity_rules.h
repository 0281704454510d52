#ifndef CRM_CUSTOMER_SVC_DOMAIN_OPPORTUNITY_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_OPPORTUNITY_RULES_H_

#include <google/protobuf/field_mask.pb.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/customer/v1/opportunity.pb.h"
#include "customer_svc/domain/opportunity_repository.h"

// The pure rules of the sales pipeline (no storage): field validation, the
// weighted amount, which moves are legal, filters and sort orders.
namespace crm::customer {

inline constexpr size_t kMaxStageDisplayNameChars = 100;
inline constexpr int64_t kMaxStagePosition = 1'000'000;
inline constexpr size_t kMaxOpportunityTitleChars = 200;
inline constexpr size_t kMaxOpportunityDescriptionChars = 20'000;
inline constexpr size_t kMaxLostReasonChars = 2'000;
inline constexpr size_t kMaxOpportunitySkus = 100;
inline constexpr size_t kMaxSkuChars = 64;

// Checks a stage as a caller sets it (paths under "pipeline_stage."): display
// name 1-100 characters (trimmed), position 1-1000000, probability 0-100,
// outcome set; a WON stage has probability 100 and a LOST stage 0.
absl::Status NormalizeStage(v1::PipelineStage& stage);
// Clears what a caller cannot set (name, etag, times).
void ClearStageOutputOnlyFields(v1::PipelineStage& stage);
const absl::flat_hash_set<std::string>& StageUpdatablePaths();

// Checks the caller-settable fields of an opportunity (paths under `prefix`,
// e.g. "opportunity."): title 1-200 characters, description at most 20000,
// probability 0-100, amount a non-negative Money in a known currency, an
// existing expected close date, owner "employees/{id}" or empty, partner_deal
// "partners/{id}/dealRegistrations/{id}" or empty, at most 100 distinct SKUs of
// 1-64 characters [A-Za-z0-9._/-], lost_reason at most 2000 characters.
// pipeline_stage is not looked at.
absl::Status NormalizeOpportunity(v1::Opportunity& opportunity, std::string_view prefix);
// Clears what a caller cannot set on create (name, weighted_amount, state,
// close_time, etag, times).
void ClearOpportunityOutputOnlyFields(v1::Opportunity& opportunity);
const absl::flat_hash_set<std::string>& OpportunityUpdatablePaths();
// INVALID_ARGUMENT for pipeline_stage (pointing at MoveOpportunityStage) and
// every path OpportunityUpdatablePaths lacks.
absl::Status ValidateOpportunityUpdateMask(const google::protobuf::FieldMask& mask);

// amount × percent / 100 rounded half up (amount >= 0, 0 <= percent <= 100).
int64_t WeightedAmountMinor(int64_t amount_minor, int32_t percent);
// Sets weighted_amount from amount and probability_percent.
void SetWeightedAmount(v1::Opportunity& opportunity);
// OPEN, WON or LOST for a stage outcome.
v1::OpportunityState StateForOutcome(v1::PipelineStageOutcome outcome);
// "OPEN" for OPPORTUNITY_STATE_OPEN, "WON" for PIPELINE_STAGE_OUTCOME_WON.
std::string StateName(v1::OpportunityState state);
std::string OutcomeName(v1::PipelineStageOutcome outcome);

// Whether `opportunity` may move to `target` with `lost_reason`:
// - a WON or LOST opportunity is closed and never moves (FAILED_PRECONDITION
//   naming both stages);
// - a deleted target stage is FAILED_PRECONDITION;
// - a LOST target needs a non-blank lost_reason (INVALID_ARGUMENT "lost_reason: ...");
// - any other target takes no lost_reason (INVALID_ARGUMENT).
absl::Status CheckMove(const v1::Opportunity& opportunity, const v1::PipelineStage& target,
                       std::string_view lost_reason);
// Applies a checked move at `now`: stage, the stage's probability, state,
// lost_reason, close_time (set when the target closes the deal) and weighted amount.
void ApplyMove(v1::Opportunity& opportunity, const v1::PipelineStage& target,
               std::string_view lost_reason, const google::protobuf::Timestamp& now);

// AIP-160 filter over pipeline_stage, state, owner, expected_close_date
// (YYYY-MM-DD with = != < <= > >=), partner_deal and skus (`skus : "SKU-1"`).
absl::StatusOr<std::vector<OpportunityCondition>> ParseOpportunityFilter(std::string_view filter);
// "expected_close_date", "create_time" (default) or "amount.amount_minor", optional " desc".
absl::Status ParseOpportunityOrder(std::string_view order_by, OpportunityOrder& order,
                                   bool& descending);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_OPPORTUNITY_RULES_H_
