#include "customer_svc/domain/feedback_rules.h"

#include <cstdlib>

#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {
namespace {

// a / b rounded to the nearest integer, halves away from zero (b > 0).
int64_t RoundedDivide(int64_t a, int64_t b) {
  const int64_t magnitude = (std::llabs(a) * 2 + b) / (2 * b);
  return a < 0 ? -magnitude : magnitude;
}

}  // namespace

v1::NpsCategory NpsCategoryOf(int32_t score) {
  if (score >= 9) return v1::NPS_CATEGORY_PROMOTER;
  if (score >= 7) return v1::NPS_CATEGORY_PASSIVE;
  return v1::NPS_CATEGORY_DETRACTOR;
}

absl::Status NormalizeFeedback(v1::Feedback& feedback, absl::Time now) {
  common::Validator v;
  v.Check(common::ValidateEnum("feedback.kind", feedback.kind(), *v1::FeedbackKind_descriptor()));
  if (feedback.kind() == v1::FEEDBACK_KIND_NPS) {
    v.Check(common::ValidateRange("feedback.score", feedback.score(), 0, 10));
  } else if (feedback.kind() == v1::FEEDBACK_KIND_CSAT) {
    v.Check(common::ValidateRange("feedback.score", feedback.score(), 1, 5));
  }
  v.Check(
      common::ValidateLength("feedback.comment", feedback.comment(), 0, kMaxFeedbackCommentChars));
  if (!feedback.subject().empty()) {
    v.Check(ValidateResourceReference("feedback.subject", feedback.subject()));
  }
  if (feedback.has_respond_time()) {
    v.Check(common::ValidateTimestamp("feedback.respond_time", feedback.respond_time()));
    if (v.ok() && common::FromProtoTimestamp(feedback.respond_time()) > now + absl::Minutes(5)) {
      v.Check(absl::InvalidArgumentError("feedback.respond_time: must not be in the future"));
    }
  }
  if (!v.ok()) return v.status();
  feedback.set_nps_category(feedback.kind() == v1::FEEDBACK_KIND_NPS
                                ? NpsCategoryOf(feedback.score())
                                : v1::NPS_CATEGORY_UNSPECIFIED);
  if (!feedback.has_respond_time())
    *feedback.mutable_respond_time() = common::ToProtoTimestamp(now);
  feedback.mutable_respond_time()->set_nanos(feedback.respond_time().nanos() / 1000 * 1000);
  return absl::OkStatus();
}

v1::FeedbackSummary ComputeFeedbackSummary(const FeedbackCounts& counts) {
  v1::FeedbackSummary summary;
  summary.set_nps_response_count(counts.nps_responses);
  summary.set_promoter_count(counts.promoters);
  summary.set_passive_count(counts.passives);
  summary.set_detractor_count(counts.detractors);
  if (counts.nps_responses > 0) {
    summary.set_nps(static_cast<int32_t>(
        RoundedDivide(100 * (counts.promoters - counts.detractors), counts.nps_responses)));
  }
  summary.set_csat_response_count(counts.csat_responses);
  if (counts.csat_responses > 0) {
    summary.set_csat_average(static_cast<double>(counts.csat_score_sum) /
                             static_cast<double>(counts.csat_responses));
    summary.set_csat_satisfied_basis_points(
        static_cast<int32_t>(RoundedDivide(10000 * counts.csat_satisfied, counts.csat_responses)));
  }
  return summary;
}

}  // namespace crm::customer
