#include "customer_svc/domain/insight_rules.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/api/time_util.h"
#include "customer_svc/domain/lifecycle.h"

namespace crm::customer {
namespace {

constexpr SegmentRule kSegmentRules[] = {
    {v1::RFM_SEGMENT_CHAMPIONS, "Champions", "R 4-5, F 4-5, M 4-5", 4, 5, 4, 5, 4, 5},
    {v1::RFM_SEGMENT_CANNOT_LOSE, "Cannot Lose Them", "R 1, F 4-5, M 4-5", 1, 1, 4, 5, 4, 5},
    {v1::RFM_SEGMENT_LOYAL, "Loyal", "R 3-5, F 3-5", 3, 5, 3, 5, 1, 5},
    {v1::RFM_SEGMENT_AT_RISK, "At Risk", "R 1-2, F 3-5", 1, 2, 3, 5, 1, 5},
    {v1::RFM_SEGMENT_POTENTIAL_LOYALIST, "Potential Loyalist", "R 4-5, F 2-3", 4, 5, 2, 3, 1, 5},
    {v1::RFM_SEGMENT_NEW_CUSTOMER, "New Customer", "R 5, F 1", 5, 5, 1, 1, 1, 5},
    {v1::RFM_SEGMENT_PROMISING, "Promising", "R 4, F 1", 4, 4, 1, 1, 1, 5},
    {v1::RFM_SEGMENT_NEEDS_ATTENTION, "Needs Attention", "R 3, F 1-2", 3, 3, 1, 2, 1, 5},
    {v1::RFM_SEGMENT_ABOUT_TO_SLEEP, "About to Sleep", "R 2-3, F 1-2", 2, 3, 1, 2, 1, 5},
    {v1::RFM_SEGMENT_LOST, "Lost", "R 1, F 1", 1, 1, 1, 1, 1, 5},
    {v1::RFM_SEGMENT_HIBERNATING, "Hibernating", "R 1-2, F 1-2", 1, 2, 1, 2, 1, 5},
};

struct DriverBuilder {
  std::vector<v1::HealthDriver> drivers;
  void Add(v1::HealthFactor factor, int impact, std::string explanation) {
    v1::HealthDriver driver;
    driver.set_factor(factor);
    driver.set_impact(impact);
    driver.set_explanation(std::move(explanation));
    drivers.push_back(std::move(driver));
  }
};

std::string Plural(int64_t n, const char* one, const char* many) {
  return absl::StrFormat("%d %s", n, n == 1 ? one : many);
}

crm::common::v1::Date DueDate(absl::Time now, int days) {
  const absl::CivilDay day = absl::ToCivilDay(now, absl::UTCTimeZone()) + days;
  crm::common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

}  // namespace

int QuintileScore(int64_t rank, int64_t n) {
  if (n <= 0 || rank < 1) return 0;
  return static_cast<int>(1 + (5 * (rank - 1)) / n);
}

absl::Span<const SegmentRule> SegmentRules() { return kSegmentRules; }

v1::RfmSegment SegmentFor(int recency, int frequency, int monetary) {
  for (int score : {recency, frequency, monetary}) {
    if (score < 1 || score > 5) return v1::RFM_SEGMENT_UNSPECIFIED;
  }
  for (const SegmentRule& rule : kSegmentRules) {
    if (recency >= rule.r_min && recency <= rule.r_max && frequency >= rule.f_min &&
        frequency <= rule.f_max && monetary >= rule.m_min && monetary <= rule.m_max) {
      return rule.segment;
    }
  }
  return v1::RFM_SEGMENT_UNSPECIFIED;
}

const SegmentRule* FindSegmentRule(v1::RfmSegment segment) {
  for (const SegmentRule& rule : kSegmentRules) {
    if (rule.segment == segment) return &rule;
  }
  return nullptr;
}

v1::ChurnRisk ChurnRiskFor(int score) {
  if (score >= 70) return v1::CHURN_RISK_LOW;
  if (score >= 40) return v1::CHURN_RISK_MEDIUM;
  return v1::CHURN_RISK_HIGH;
}

v1::HealthScore ComputeHealthScore(const HealthInputs& in, absl::Time now) {
  DriverBuilder b;
  if (!in.last_purchase_time.has_value()) {
    b.Add(v1::HEALTH_FACTOR_PURCHASE_RECENCY, -20, "no purchases yet");
  } else {
    const int64_t days = std::max<int64_t>(0, (now - *in.last_purchase_time) / absl::Hours(24));
    int impact = -25;
    if (days <= 30) {
      impact = 20;
    } else if (days <= 90) {
      impact = 10;
    } else if (days <= 180) {
      impact = -5;
    } else if (days <= 365) {
      impact = -15;
    }
    b.Add(v1::HEALTH_FACTOR_PURCHASE_RECENCY, impact,
          absl::StrFormat("last purchase %s ago", Plural(days, "day", "days")));
  }
  if (in.purchases_last_90_days > 0 || in.purchases_previous_90_days > 0) {
    const int64_t now_count = in.purchases_last_90_days;
    const int64_t before = in.purchases_previous_90_days;
    const int impact = now_count > before ? 10 : (now_count < before ? -10 : 0);
    b.Add(v1::HEALTH_FACTOR_PURCHASE_TREND, impact,
          absl::StrFormat("%s in the last 90 days against %d in the 90 days before",
                          Plural(now_count, "purchase", "purchases"), before));
  }
  if (in.open_cases > 0) {
    const int impact = static_cast<int>(std::max<int64_t>(-15, -5 * in.open_cases));
    b.Add(v1::HEALTH_FACTOR_OPEN_SERVICE_CASES, impact,
          absl::StrFormat("%s open", Plural(in.open_cases, "service case", "service cases")));
  }
  if (in.sla_breaches > 0) {
    const int impact = static_cast<int>(std::max<int64_t>(-20, -10 * in.sla_breaches));
    b.Add(v1::HEALTH_FACTOR_SLA_BREACHES, impact,
          absl::StrFormat("%s breached its SLA in the last 365 days",
                          Plural(in.sla_breaches, "service case", "service cases")));
  }
  if (in.latest_nps_score.has_value()) {
    const int score = *in.latest_nps_score;
    const int impact = score >= 9 ? 10 : (score >= 7 ? 0 : -15);
    const char* category = score >= 9 ? "promoter" : (score >= 7 ? "passive" : "detractor");
    b.Add(v1::HEALTH_FACTOR_NPS, impact,
          absl::StrFormat("latest NPS response %d (%s)", score, category));
  }
  if (in.csat_count_180_days > 0) {
    const double average = in.csat_average_180_days;
    const int impact = average >= 4.0 ? 5 : (average < 3.0 ? -10 : 0);
    b.Add(v1::HEALTH_FACTOR_CSAT, impact,
          absl::StrFormat("average CSAT %.1f over %s in the last 180 days", average,
                          Plural(in.csat_count_180_days, "response", "responses")));
  }
  if (in.interactions_90_days == 0) {
    b.Add(v1::HEALTH_FACTOR_ENGAGEMENT, -10, "no interactions in the last 90 days");
  } else {
    const int64_t raw = 2 * in.positive_interactions_90_days - 5 * in.negative_interactions_90_days;
    const int impact = static_cast<int>(std::clamp<int64_t>(raw, -15, 10));
    b.Add(v1::HEALTH_FACTOR_ENGAGEMENT, impact,
          absl::StrFormat("%s in the last 90 days, %d positive and %d negative",
                          Plural(in.interactions_90_days, "interaction", "interactions"),
                          in.positive_interactions_90_days, in.negative_interactions_90_days));
  }
  if (in.loyalty_transactions_180_days > 0) {
    b.Add(v1::HEALTH_FACTOR_LOYALTY, 5,
          absl::StrFormat("%s in the last 180 days",
                          Plural(in.loyalty_transactions_180_days, "loyalty transaction",
                                 "loyalty transactions")));
  }
  int total = kHealthBase;
  for (const v1::HealthDriver& driver : b.drivers) total += driver.impact();
  const int score = std::clamp(total, 0, 100);
  std::stable_sort(b.drivers.begin(), b.drivers.end(),
                   [](const v1::HealthDriver& a, const v1::HealthDriver& c) {
                     if (std::abs(a.impact()) != std::abs(c.impact())) {
                       return std::abs(a.impact()) > std::abs(c.impact());
                     }
                     return a.factor() < c.factor();
                   });
  v1::HealthScore health;
  health.set_score(score);
  health.set_churn_risk(ChurnRiskFor(score));
  for (v1::HealthDriver& driver : b.drivers) *health.add_drivers() = std::move(driver);
  *health.mutable_compute_time() = common::ToProtoTimestamp(now);
  return health;
}

RuleMetrics ComputeRuleMetrics(int64_t both, int64_t antecedent_baskets, int64_t consequent_baskets,
                               int64_t baskets) {
  RuleMetrics metrics;
  if (baskets <= 0 || antecedent_baskets <= 0 || consequent_baskets <= 0) return metrics;
  metrics.support = static_cast<double>(both) / static_cast<double>(baskets);
  metrics.confidence = static_cast<double>(both) / static_cast<double>(antecedent_baskets);
  metrics.lift =
      metrics.confidence / (static_cast<double>(consequent_baskets) / static_cast<double>(baskets));
  return metrics;
}

std::vector<v1::ProductRecommendation> RecommendFromRules(
    const std::vector<CoPurchase>& candidates, int64_t baskets,
    const std::vector<std::string>& owned_skus, double min_confidence, int max_results) {
  struct Rule {
    const CoPurchase* pair;
    RuleMetrics metrics;
    double score;
  };
  std::map<std::string, std::vector<Rule>> by_consequent;
  for (const CoPurchase& pair : candidates) {
    if (std::find(owned_skus.begin(), owned_skus.end(), pair.consequent) != owned_skus.end()) {
      continue;
    }
    if (std::find(owned_skus.begin(), owned_skus.end(), pair.antecedent) == owned_skus.end()) {
      continue;
    }
    const RuleMetrics metrics =
        ComputeRuleMetrics(pair.both, pair.antecedent_baskets, pair.consequent_baskets, baskets);
    if (pair.both <= 0 || metrics.confidence < min_confidence) continue;
    by_consequent[pair.consequent].push_back({&pair, metrics, metrics.confidence * metrics.lift});
  }
  std::vector<v1::ProductRecommendation> recommendations;
  for (auto& [sku, rules] : by_consequent) {
    std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
      if (a.score != b.score) return a.score > b.score;
      if (a.metrics.confidence != b.metrics.confidence) {
        return a.metrics.confidence > b.metrics.confidence;
      }
      return a.pair->antecedent < b.pair->antecedent;
    });
    const Rule& best = rules.front();
    v1::ProductRecommendation recommendation;
    recommendation.set_sku(sku);
    recommendation.set_score(best.score);
    recommendation.set_support(best.metrics.support);
    recommendation.set_confidence(best.metrics.confidence);
    recommendation.set_lift(best.metrics.lift);
    for (const Rule& rule : rules) recommendation.add_antecedent_skus(rule.pair->antecedent);
    recommendation.set_explanation(absl::StrFormat(
        "%d%% of customers who bought %s also bought %s (%d of %d; lift %.2f, support %.0f%%)",
        static_cast<int>(std::lround(best.metrics.confidence * 100)), best.pair->antecedent, sku,
        best.pair->both, best.pair->antecedent_baskets, best.metrics.lift,
        best.metrics.support * 100));
    recommendations.push_back(std::move(recommendation));
  }
  std::sort(recommendations.begin(), recommendations.end(),
            [](const v1::ProductRecommendation& a, const v1::ProductRecommendation& b) {
              if (a.score() != b.score()) return a.score() > b.score();
              if (a.confidence() != b.confidence()) return a.confidence() > b.confidence();
              return a.sku() < b.sku();
            });
  if (static_cast<int>(recommendations.size()) > max_results) {
    recommendations.resize(static_cast<size_t>(std::max(0, max_results)));
  }
  return recommendations;
}

v1::SalesPlan BuildSalesPlan(const SalesPlanInputs& in, absl::Time now, int max_actions) {
  v1::SalesPlan plan;
  plan.set_customer(in.customer);
  plan.set_account_manager(in.account_manager);
  *plan.mutable_generate_time() = common::ToProtoTimestamp(now);
  auto add = [&](v1::NextBestActionKind kind, std::string title, std::string rationale,
                 int due_days) -> v1::NextBestAction& {
    v1::NextBestAction& action = *plan.add_actions();
    action.set_kind(kind);
    action.set_title(std::move(title));
    action.set_rationale(std::move(rationale));
    action.set_owner(in.account_manager);
    *action.mutable_due_date() = DueDate(now, due_days);
    action.set_priority(plan.actions_size());
    return action;
  };
  const int score = in.health.score();
  if (in.stage == v1::LIFECYCLE_STAGE_CHURNED) {
    add(v1::NEXT_BEST_ACTION_KIND_WIN_BACK_OFFER, "Make a win-back offer",
        absl::StrFormat("customer is CHURNED; health score %d", score), 7);
  }
  if (in.stage == v1::LIFECYCLE_STAGE_AT_RISK || score < 40) {
    std::string reason = in.stage == v1::LIFECYCLE_STAGE_AT_RISK
                             ? absl::StrFormat("customer is AT_RISK; health score %d", score)
                             : absl::StrFormat("health score %d (churn risk HIGH)", score);
    if (in.health.drivers_size() > 0) {
      absl::StrAppend(&reason, "; main driver: ", in.health.drivers(0).explanation());
    }
    add(v1::NEXT_BEST_ACTION_KIND_RETENTION_CALL, "Call to retain the customer", std::move(reason),
        2);
  }
  if (in.facts.sla_breaches > 0 || in.facts.open_cases > 0) {
    add(v1::NEXT_BEST_ACTION_KIND_SERVICE_FOLLOW_UP, "Follow up on service cases",
        absl::StrFormat("%s open, %s breached the SLA",
                        Plural(in.facts.open_cases, "service case", "service cases"),
                        Plural(in.facts.sla_breaches, "case", "cases")),
        in.facts.sla_breaches > 0 ? 1 : 3);
  }
  for (size_t i = 0; i < in.recommendations.size() && i < 3; ++i) {
    const v1::ProductRecommendation& recommendation = in.recommendations[i];
    v1::NextBestAction& action =
        add(v1::NEXT_BEST_ACTION_KIND_OFFER_PRODUCT,
            absl::StrFormat("Offer %s", recommendation.sku()), recommendation.explanation(), 14);
    action.set_sku(recommendation.sku());
  }
  if (in.facts.latest_nps_score.has_value() && *in.facts.latest_nps_score >= 9 &&
      in.stage != v1::LIFECYCLE_STAGE_CHURNED && in.stage != v1::LIFECYCLE_STAGE_AT_RISK) {
    add(v1::NEXT_BEST_ACTION_KIND_ASK_FOR_REFERRAL, "Ask for a referral",
        absl::StrFormat("latest NPS response %d (promoter)", *in.facts.latest_nps_score), 30);
  }
  if (!in.last_feedback_time.has_value() || now - *in.last_feedback_time > absl::Hours(24 * 180)) {
    add(v1::NEXT_BEST_ACTION_KIND_REQUEST_FEEDBACK, "Ask for NPS or CSAT feedback",
        in.last_feedback_time.has_value() ? "no NPS or CSAT response in the last 180 days"
                                          : "no NPS or CSAT response yet",
        30);
  }
  while (plan.actions_size() > max_actions) plan.mutable_actions()->RemoveLast();
  return plan;
}

}  // namespace crm::customer
