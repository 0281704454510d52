#include "customer_svc/domain/insight_service.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/api/filter_parser.h"
#include "common/api/fingerprint.h"
#include "common/api/order_by.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "customer_svc/domain/insight_rules.h"
#include "customer_svc/domain/lifecycle.h"

namespace crm::customer {
namespace {

constexpr std::string_view kCustomers = "customers";
constexpr int kDefaultInactivityDays = 90;
constexpr int kMaxInactivityDays = 3650;
constexpr int kDefaultRecommendations = 10;
constexpr int kMaxRecommendations = 100;
constexpr double kDefaultMinConfidence = 0.1;
constexpr int kDefaultActions = 10;
constexpr int kMaxActions = 50;
constexpr int kPlanRecommendations = 3;

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

// ListRfmScores filters: segment (= != on RfmSegment names) and the three
// scores (= != < <= > >= on an integer 1-5).
absl::StatusOr<std::vector<RfmCondition>> ParseRfmFilter(std::string_view filter) {
  absl::StatusOr<std::vector<common::FilterTerm>> terms = common::ParseFilter(filter);
  if (!terms.ok()) return terms.status();
  std::vector<RfmCondition> conditions;
  for (const common::FilterTerm& term : *terms) {
    if (term.field == "segment") {
      absl::StatusOr<common::Match> match =
          common::ResolveMatch(term, common::FilterValueKind::kEnum);
      if (!match.ok()) return match.status();
      auto value = common::ResolveValue(term, common::FilterValueKind::kEnum,
                                        v1::RfmSegment_descriptor(), "");
      if (!value.ok()) return value.status();
      conditions.push_back({RfmColumn::kSegment, *match, *std::move(value)});
      continue;
    }
    RfmColumn column;
    if (term.field == "recency_score") {
      column = RfmColumn::kRecencyScore;
    } else if (term.field == "frequency_score") {
      column = RfmColumn::kFrequencyScore;
    } else if (term.field == "monetary_score") {
      column = RfmColumn::kMonetaryScore;
    } else {
      return absl::InvalidArgumentError(common::UnknownFilterFieldMessage(
          term.field, {"segment", "recency_score", "frequency_score", "monetary_score"}));
    }
    common::Match match = common::Match::kEqual;
    switch (term.op) {
      case common::FilterOperator::kEqual:
        match = common::Match::kEqual;
        break;
      case common::FilterOperator::kNotEqual:
        match = common::Match::kNotEqual;
        break;
      case common::FilterOperator::kLess:
        match = common::Match::kLess;
        break;
      case common::FilterOperator::kLessOrEqual:
        match = common::Match::kLessOrEqual;
        break;
      case common::FilterOperator::kGreater:
        match = common::Match::kGreater;
        break;
      case common::FilterOperator::kGreaterOrEqual:
        match = common::Match::kGreaterOrEqual;
        break;
      case common::FilterOperator::kHas:
        return absl::InvalidArgumentError(
            absl::StrFormat("filter: %s does not support ':' (use = != < <= > >=)", term.field));
    }
    int64_t score = 0;
    if (!absl::SimpleAtoi(term.value, &score) || score < 1 || score > 5) {
      return absl::InvalidArgumentError(
          absl::StrFormat("filter: %s must be compared with a score 1-5, not %s", term.field,
                          common::QuoteValue(term.value)));
    }
    conditions.push_back({column, match, score});
  }
  return conditions;
}

absl::Status ParseRfmOrder(std::string_view order_by, RfmOrder& order, bool& descending) {
  static constexpr RfmOrder kOrders[] = {RfmOrder::kCustomer, RfmOrder::kRecencyScore,
                                         RfmOrder::kFrequencyScore, RfmOrder::kMonetaryScore};
  absl::StatusOr<common::OrderBy> parsed = common::ParseOrderBy(
      order_by, {"customer", "recency_score", "frequency_score", "monetary_score"});
  if (!parsed.ok()) return parsed.status();
  order = kOrders[parsed->field];
  descending = parsed->descending;
  return absl::OkStatus();
}

int64_t SortValue(const RfmRow& row, RfmOrder order) {
  switch (order) {
    case RfmOrder::kRecencyScore:
      return row.recency_score;
    case RfmOrder::kFrequencyScore:
      return row.frequency_score;
    case RfmOrder::kMonetaryScore:
      return row.monetary_score;
    case RfmOrder::kCustomer:
      break;
  }
  return row.customer_id;
}

v1::RfmScores ToScores(const RfmRow& row, absl::Time now) {
  v1::RfmScores scores;
  scores.set_customer(common::FormatResourceName(kCustomers, row.customer_id));
  scores.set_recency_score(row.recency_score);
  scores.set_frequency_score(row.frequency_score);
  scores.set_monetary_score(row.monetary_score);
  scores.set_recency_days(
      static_cast<int32_t>(std::max<int64_t>(0, (now - row.last_purchase_time) / absl::Hours(24))));
  scores.set_purchase_count(row.purchase_count);
  scores.mutable_monetary_amount()->set_amount_minor(row.monetary_minor);
  scores.mutable_monetary_amount()->set_currency_code(row.currency);
  scores.set_segment(row.segment);
  *scores.mutable_compute_time() = common::ToProtoTimestamp(now);
  return scores;
}

// 0 → `default_value`; negative → INVALID_ARGUMENT; above `max` → max.
absl::StatusOr<int> NormalizeCount(std::string_view field, int32_t value, int default_value,
                                   int max) {
  if (value < 0) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: must not be negative", field));
  }
  if (value == 0) return default_value;
  return std::min<int>(value, max);
}

}  // namespace

InsightService::InsightService(InsightRepository& repository, Clock clock, OfferQuoter quoter)
    : repository_(repository), clock_(std::move(clock)), quoter_(std::move(quoter)) {}

absl::Time InsightService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::StatusOr<CustomerBasics> InsightService::LiveCustomer(const common::CallContext& call,
                                                            std::string_view field,
                                                            std::string_view name) {
  absl::StatusOr<int64_t> id = common::ParseResourceId(field, name, kCustomers);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<CustomerBasics>> customer =
      repository_.GetCustomer(call.deadline, *id);
  if (!customer.ok()) return customer.status();
  if (!customer->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", name));
  }
  if ((*customer)->deleted) {
    return absl::NotFoundError(
        absl::StrFormat("%s is deleted; undelete it to compute its insights", name));
  }
  return **customer;
}

absl::Status InsightService::GetRfmScores(const common::CallContext& call,
                                          const v1::GetRfmScoresRequest& request,
                                          v1::GetRfmScoresResponse& response) {
  absl::StatusOr<CustomerBasics> customer = LiveCustomer(call, "customer", request.customer());
  if (!customer.ok()) return customer.status();
  const absl::Time now = Now();
  RfmQuery query;
  query.now = now;
  query.customer_id = customer->id;
  query.limit = 1;
  absl::StatusOr<std::vector<RfmRow>> rows = repository_.ListRfm(call.deadline, query);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    v1::RfmScores& scores = *response.mutable_rfm_scores();
    scores.set_customer(request.customer());
    *scores.mutable_compute_time() = common::ToProtoTimestamp(now);
    return absl::OkStatus();
  }
  *response.mutable_rfm_scores() = ToScores(rows->front(), now);
  return absl::OkStatus();
}

absl::Status InsightService::ListRfmScores(const common::CallContext& call,
                                           const v1::ListRfmScoresRequest& request,
                                           v1::ListRfmScoresResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  RfmQuery query;
  absl::StatusOr<std::vector<RfmCondition>> conditions = ParseRfmFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  if (absl::Status s = ParseRfmOrder(request.order_by(), query.order, query.descending); !s.ok()) {
    return s;
  }
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListRfmScores", request.filter(), request.order_by()});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    RfmCursor after;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[0], &after.sort_value) ||
        !absl::SimpleAtoi(cursor->keys[1], &after.customer_id)) {
      return InvalidPageToken();
    }
    query.after = after;
  }
  const absl::Time now = Now();
  query.now = now;
  absl::StatusOr<std::vector<RfmRow>> rows = repository_.ListRfm(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (const RfmRow& row : *rows) *response.add_rfm_scores() = ToScores(row, now);
  if (more) {
    const RfmRow& last = rows->back();
    response.set_next_page_token(
        common::EncodePageToken(common::PageCursor{{std::to_string(SortValue(last, query.order)),
                                                    std::to_string(last.customer_id)}},
                                fingerprint));
  }
  return absl::OkStatus();
}

absl::Status InsightService::ListSegments(const common::CallContext& call,
                                          const v1::ListSegmentsRequest& request,
                                          v1::ListSegmentsResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const std::string fingerprint = common::PageQueryFingerprint({"ListSegments"});
  int after = 0;  // segments are listed in enum order; the token holds the last one
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    if (cursor->keys.size() != 1 || !absl::SimpleAtoi(cursor->keys[0], &after)) {
      return InvalidPageToken();
    }
  }
  absl::StatusOr<std::vector<SegmentCount>> counts =
      repository_.CountSegments(call.deadline, Now());
  if (!counts.ok()) return counts.status();
  std::vector<const SegmentRule*> rules;
  for (const SegmentRule& rule : SegmentRules()) rules.push_back(&rule);
  std::sort(rules.begin(), rules.end(),
            [](const SegmentRule* a, const SegmentRule* b) { return a->segment < b->segment; });
  for (const SegmentRule* rule : rules) {
    if (rule->segment <= after) continue;
    if (response.segments_size() == *page_size) {
      response.set_next_page_token(common::EncodePageToken(
          common::PageCursor{{std::to_string(response.segments().rbegin()->segment())}},
          fingerprint));
      break;
    }
    v1::SegmentSummary& summary = *response.add_segments();
    summary.set_segment(rule->segment);
    summary.set_display_name(rule->display_name);
    summary.set_rule(rule->rule);
    for (const SegmentCount& count : *counts) {
      if (count.segment == rule->segment) summary.set_customer_count(count.customers);
    }
  }
  return absl::OkStatus();
}

absl::Status InsightService::GetHealthScore(const common::CallContext& call,
                                            const v1::GetHealthScoreRequest& request,
                                            v1::GetHealthScoreResponse& response) {
  absl::StatusOr<CustomerBasics> customer = LiveCustomer(call, "customer", request.customer());
  if (!customer.ok()) return customer.status();
  const absl::Time now = Now();
  absl::StatusOr<HealthInputs> inputs =
      repository_.GetHealthInputs(call.deadline, customer->id, now);
  if (!inputs.ok()) return inputs.status();
  v1::HealthScore health = ComputeHealthScore(*inputs, now);
  health.set_customer(request.customer());
  *response.mutable_health_score() = std::move(health);
  return absl::OkStatus();
}

absl::Status InsightService::RefreshLifecycle(const common::CallContext& call,
                                              const v1::RefreshLifecycleRequest& request,
                                              v1::RefreshLifecycleResponse& response) {
  if (request.inactivity_days() < 0 || request.inactivity_days() > kMaxInactivityDays) {
    return absl::InvalidArgumentError(
        absl::StrFormat("inactivity_days: must be between 1 and %d (0 means %d), not %d",
                        kMaxInactivityDays, kDefaultInactivityDays, request.inactivity_days()));
  }
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const int days =
      request.inactivity_days() == 0 ? kDefaultInactivityDays : request.inactivity_days();
  const absl::Time now = Now();
  const absl::Time cutoff = now - absl::Hours(24) * days;

  auto run = [&](InsightStore& store, v1::RefreshLifecycleResponse& result) -> absl::Status {
    absl::StatusOr<std::vector<InactiveCustomer>> inactive = store.LockInactiveCustomers(cutoff);
    if (!inactive.ok()) return inactive.status();
    for (const InactiveCustomer& customer : *inactive) {
      const std::string name = common::FormatResourceName(kCustomers, customer.id);
      if (absl::Status legal = CheckTransition(name, customer.stage, v1::LIFECYCLE_STAGE_AT_RISK);
          !legal.ok()) {
        return legal;
      }
      result.add_moved_customers(name);
      if (request.dry_run()) continue;
      StageMove move;
      move.customer_id = customer.id;
      move.from = customer.stage;
      move.to = v1::LIFECYCLE_STAGE_AT_RISK;
      move.actor = call.caller.team;
      move.reason = absl::StrFormat(
          "no purchase or interaction for %d days (last activity %s; threshold %d days)",
          (now - customer.last_activity) / absl::Hours(24),
          absl::FormatTime("%Y-%m-%d", customer.last_activity, absl::UTCTimeZone()), days);
      move.request_id = request.request_id().empty() ? call.request_id : request.request_id();
      move.automatic = true;
      move.time = now;
      if (absl::Status s = store.MoveStage(move); !s.ok()) return s;
    }
    return absl::OkStatus();
  };

  if (request.dry_run()) {
    return repository_.Transact(call.deadline, [&](InsightStore& store) {
      response.clear_moved_customers();
      return run(store, response);
    });
  }
  v1::RefreshLifecycleRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.InsightService/RefreshLifecycle", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](InsightStore& store) -> absl::StatusOr<std::string> {
        v1::RefreshLifecycleResponse result;
        if (absl::Status s = run(store, result); !s.ok()) return s;
        return result.SerializeAsString();
      });
  return common::ParseStoredResponse(stored, "RefreshLifecycle", response);
}

absl::Status InsightService::RecommendProducts(const common::CallContext& call,
                                               const v1::RecommendProductsRequest& request,
                                               v1::RecommendProductsResponse& response) {
  absl::StatusOr<int> max_results = NormalizeCount("max_results", request.max_results(),
                                                   kDefaultRecommendations, kMaxRecommendations);
  if (!max_results.ok()) return max_results.status();
  const double min_confidence = request.min_confidence();
  if (!std::isfinite(min_confidence) || min_confidence < 0 || min_confidence > 1) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "min_confidence: must be between 0 and 1 (0 means %.1f)", kDefaultMinConfidence));
  }
  absl::StatusOr<CustomerBasics> customer = LiveCustomer(call, "customer", request.customer());
  if (!customer.ok()) return customer.status();
  absl::StatusOr<CoPurchaseStats> stats =
      repository_.GetCoPurchaseStats(call.deadline, customer->id);
  if (!stats.ok()) return stats.status();
  for (v1::ProductRecommendation& recommendation : RecommendFromRules(
           stats->candidates, stats->baskets, stats->owned_skus,
           min_confidence == 0 ? kDefaultMinConfidence : min_confidence, *max_results)) {
    *response.add_recommendations() = std::move(recommendation);
  }
  return absl::OkStatus();
}

absl::Status InsightService::GetSalesPlan(const common::CallContext& call,
                                          const v1::GetSalesPlanRequest& request,
                                          v1::GetSalesPlanResponse& response) {
  absl::StatusOr<int> max_actions =
      NormalizeCount("max_actions", request.max_actions(), kDefaultActions, kMaxActions);
  if (!max_actions.ok()) return max_actions.status();
  absl::StatusOr<CustomerBasics> customer = LiveCustomer(call, "customer", request.customer());
  if (!customer.ok()) return customer.status();
  const absl::Time now = Now();
  absl::StatusOr<HealthInputs> facts =
      repository_.GetHealthInputs(call.deadline, customer->id, now);
  if (!facts.ok()) return facts.status();
  absl::StatusOr<CoPurchaseStats> stats =
      repository_.GetCoPurchaseStats(call.deadline, customer->id);
  if (!stats.ok()) return stats.status();
  absl::StatusOr<std::optional<absl::Time>> last_feedback =
      repository_.GetLastFeedbackTime(call.deadline, customer->id);
  if (!last_feedback.ok()) return last_feedback.status();

  SalesPlanInputs inputs;
  inputs.customer = request.customer();
  inputs.account_manager = customer->account_manager;
  inputs.stage = customer->stage;
  inputs.health = ComputeHealthScore(*facts, now);
  inputs.facts = *facts;
  inputs.recommendations = RecommendFromRules(stats->candidates, stats->baskets, stats->owned_skus,
                                              kDefaultMinConfidence, kPlanRecommendations);
  inputs.last_feedback_time = *last_feedback;
  v1::SalesPlan plan = BuildSalesPlan(inputs, now, *max_actions);
  if (quoter_ != nullptr) {
    for (v1::NextBestAction& action : *plan.mutable_actions()) {
      if (action.kind() != v1::NEXT_BEST_ACTION_KIND_OFFER_PRODUCT) continue;
      absl::StatusOr<std::optional<crm::common::v1::Money>> price =
          quoter_(call, request.customer(), action.sku());
      if (!price.ok()) return price.status();
      if (price->has_value()) *action.mutable_offer_price() = **price;
    }
  }
  *response.mutable_sales_plan() = std::move(plan);
  return absl::OkStatus();
}

}  // namespace crm::customer
