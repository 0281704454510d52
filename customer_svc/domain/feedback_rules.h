#ifndef CRM_CUSTOMER_SVC_DOMAIN_FEEDBACK_RULES_H_
#define CRM_CUSTOMER_SVC_DOMAIN_FEEDBACK_RULES_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "crm/customer/v1/feedback.pb.h"

namespace crm::customer {

inline constexpr size_t kMaxFeedbackCommentChars = 4000;

// NPS category of a 0-10 score: 9-10 PROMOTER, 7-8 PASSIVE, 0-6 DETRACTOR.
v1::NpsCategory NpsCategoryOf(int32_t score);

// Validates a new response (errors name "feedback.<field>": kind set, score
// 0-10 for NPS and 1-5 for CSAT, comment up to 4000 characters, subject empty
// or a resource name, respond_time valid and not after `now`) and fills in
// nps_category and an unset respond_time (`now`).
absl::Status NormalizeFeedback(v1::Feedback& feedback, absl::Time now);

// Counts a summary is computed from.
struct FeedbackCounts {
  int64_t nps_responses = 0;
  int64_t promoters = 0;
  int64_t passives = 0;
  int64_t detractors = 0;
  int64_t csat_responses = 0;
  int64_t csat_score_sum = 0;
  int64_t csat_satisfied = 0;  // scores 4 and 5
};

// NPS = round(100 × (promoters − detractors) / responses), halves away from
// zero; CSAT average = score sum / responses; satisfied share in basis points
// rounded half up. Every figure is 0 without responses.
v1::FeedbackSummary ComputeFeedbackSummary(const FeedbackCounts& counts);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_FEEDBACK_RULES_H_
