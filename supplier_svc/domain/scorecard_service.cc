#include "supplier_svc/domain/scorecard_service.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/order_by.h"
#include "common/api/page_token.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "supplier_svc/domain/supplier_rules.h"

namespace crm::supplier {
namespace {

absl::Status CheckWeightsName(std::string_view field, std::string_view name) {
  if (name == kScorecardWeightsName) return absl::OkStatus();
  if (absl::Status utf8 = common::ValidateUtf8(field, name); !utf8.ok()) return utf8;
  return absl::InvalidArgumentError(absl::StrFormat("%s: %s must be \"%s\"", field,
                                                    common::QuoteValue(name),
                                                    kScorecardWeightsName));
}

enum class ScorecardOrder { kOverallScore, kSpend, kSupplier };

int64_t SortKey(const v1::Scorecard& card, int64_t id, ScorecardOrder order) {
  switch (order) {
    case ScorecardOrder::kOverallScore: return card.overall_score();
    case ScorecardOrder::kSpend: return card.spend().amount_minor();
    case ScorecardOrder::kSupplier: break;
  }
  return id;
}

}  // namespace

ScorecardService::ScorecardService(ScorecardRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time ScorecardService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status ScorecardService::GetScorecardWeights(const common::CallContext& call,
                                                   const v1::GetScorecardWeightsRequest& request,
                                                   v1::GetScorecardWeightsResponse& response) {
  if (absl::Status name = CheckWeightsName("name", request.name()); !name.ok()) return name;
  absl::StatusOr<StoredScorecardWeights> stored = repository_.GetWeights(call.deadline);
  if (!stored.ok()) return stored.status();
  *response.mutable_scorecard_weights() = std::move(stored->weights);
  return absl::OkStatus();
}

absl::Status ScorecardService::UpdateScorecardWeights(
    const common::CallContext& call, const v1::UpdateScorecardWeightsRequest& request,
    v1::UpdateScorecardWeightsResponse& response) {
  const v1::ScorecardWeights& patch = request.scorecard_weights();
  if (absl::Status name = CheckWeightsName("scorecard_weights.name", patch.name()); !name.ok()) {
    return name;
  }
  if (absl::Status mask = common::ValidateUpdateMask(request.update_mask(),
                                                     *v1::ScorecardWeights::descriptor(),
                                                     ScorecardWeightsUpdatablePaths());
      !mask.ok()) {
    return mask;
  }
  const absl::Time now = Now();
  return repository_.TransactWeights(
      call.deadline, [&](ScorecardWeightsStore& store) -> absl::Status {
        absl::StatusOr<StoredScorecardWeights> stored = store.LockWeights();
        if (!stored.ok()) return stored.status();
        if (absl::Status etag = common::CheckEtag(patch.etag(), stored->version,
                                                  kScorecardWeightsName, "scorecard_weights.etag");
            !etag.ok()) {
          return etag;
        }
        v1::ScorecardWeights updated = stored->weights;
        if (absl::Status applied = common::ApplyUpdateMask(
                patch, request.update_mask(), ScorecardWeightsUpdatablePaths(), &updated);
            !applied.ok()) {
          return applied;
        }
        if (absl::Status valid = ValidateScorecardWeights(updated); !valid.ok()) return valid;
        std::vector<crm::common::v1::FieldChange> changes =
            common::DiffMessages(stored->weights, updated);
        if (changes.empty()) {
          *response.mutable_scorecard_weights() = std::move(stored->weights);
          return absl::OkStatus();
        }
        absl::StatusOr<StoredScorecardWeights> result =
            store.UpdateWeights(updated, stored->version, now);
        if (!result.ok()) return result.status();
        if (absl::Status audited = store.InsertAuditEntry(common::MakeAuditEntry(
                call, kScorecardWeightsName, crm::common::v1::AUDIT_ACTION_UPDATE,
                std::move(changes), "", now));
            !audited.ok()) {
          return audited;
        }
        *response.mutable_scorecard_weights() = std::move(result->weights);
        return absl::OkStatus();
      });
}

absl::Status ScorecardService::GetScorecard(const common::CallContext& call,
                                            const v1::GetScorecardRequest& request,
                                            v1::GetScorecardResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("supplier", request.supplier(), "suppliers");
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  absl::StatusOr<ScorecardPeriod> period = ResolveScorecardPeriod(
      request.has_period_start_date() ? &request.period_start_date() : nullptr,
      request.has_period_end_date() ? &request.period_end_date() : nullptr, common::UtcDate(now));
  if (!period.ok()) return period.status();
  absl::StatusOr<StoredScorecardWeights> weights = repository_.GetWeights(call.deadline);
  if (!weights.ok()) return weights.status();
  ScorecardScope scope;
  scope.supplier_id = *id;
  scope.period_start = period->start;
  scope.period_end = period->end;
  absl::StatusOr<std::vector<ScorecardFigures>> figures =
      repository_.ComputeFigures(call.deadline, scope);
  if (!figures.ok()) return figures.status();
  if (figures->empty()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.supplier()));
  }
  *response.mutable_scorecard() =
      BuildScorecard(figures->front(), weights->weights, period->start, period->end, now);
  return absl::OkStatus();
}

absl::Status ScorecardService::ListScorecards(const common::CallContext& call,
                                              const v1::ListScorecardsRequest& request,
                                              v1::ListScorecardsResponse& response) {
  if (absl::Status category = common::ValidateEnum("category", request.category(),
                                                   *v1::SupplierCategory_descriptor(),
                                                   /*allow_unspecified=*/true);
      !category.ok()) {
    return category;
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const absl::Time now = Now();
  absl::StatusOr<ScorecardPeriod> period = ResolveScorecardPeriod(
      request.has_period_start_date() ? &request.period_start_date() : nullptr,
      request.has_period_end_date() ? &request.period_end_date() : nullptr, common::UtcDate(now));
  if (!period.ok()) return period.status();
  absl::StatusOr<std::vector<SupplierCondition>> conditions = ParseSupplierFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  ScorecardOrder order = ScorecardOrder::kOverallScore;
  bool descending = true;
  if (!request.order_by().empty()) {
    absl::StatusOr<common::OrderBy> parsed =
        common::ParseOrderBy(request.order_by(), {"overall_score", "spend.amount_minor", "supplier"});
    if (!parsed.ok()) return parsed.status();
    order = static_cast<ScorecardOrder>(parsed->field);
    descending = parsed->descending;
  }
  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListScorecards", std::to_string(request.category()),
       common::FormatIsoDate(period->start), common::FormatIsoDate(period->end), request.filter(),
       request.order_by()});
  std::optional<std::pair<int64_t, int64_t>> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    std::pair<int64_t, int64_t> key;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[0], &key.first) ||
        !absl::SimpleAtoi(cursor->keys[1], &key.second)) {
      return absl::InvalidArgumentError("page_token: invalid or corrupted");
    }
    after = key;
  }

  absl::StatusOr<StoredScorecardWeights> weights = repository_.GetWeights(call.deadline);
  if (!weights.ok()) return weights.status();
  ScorecardScope scope;
  if (request.category() != v1::SUPPLIER_CATEGORY_UNSPECIFIED) scope.category = request.category();
  scope.conditions = *std::move(conditions);
  scope.period_start = period->start;
  scope.period_end = period->end;
  absl::StatusOr<std::vector<ScorecardFigures>> figures =
      repository_.ComputeFigures(call.deadline, scope);
  if (!figures.ok()) return figures.status();

  struct Row {
    std::pair<int64_t, int64_t> key;  // (sort value, supplier id)
    v1::Scorecard card;
  };
  std::vector<Row> rows;
  rows.reserve(figures->size());
  for (const ScorecardFigures& f : *figures) {
    Row row{{0, f.supplier_id},
            BuildScorecard(f, weights->weights, period->start, period->end, now)};
    row.key.first = SortKey(row.card, f.supplier_id, order);
    rows.push_back(std::move(row));
  }
  const auto before = [descending](const std::pair<int64_t, int64_t>& a,
                                   const std::pair<int64_t, int64_t>& b) {
    return descending ? b < a : a < b;
  };
  std::sort(rows.begin(), rows.end(),
            [&](const Row& a, const Row& b) { return before(a.key, b.key); });
  auto it = rows.begin();
  if (after.has_value()) {
    it = std::upper_bound(rows.begin(), rows.end(), *after,
                          [&](const std::pair<int64_t, int64_t>& key, const Row& row) {
                            return before(key, row.key);
                          });
  }
  for (; it != rows.end() && response.scorecards_size() < *page_size; ++it) {
    *response.add_scorecards() = it->card;
  }
  if (it != rows.end() && response.scorecards_size() > 0) {
    const Row& last = *(it - 1);
    response.set_next_page_token(common::EncodePageToken(
        {{std::to_string(last.key.first), std::to_string(last.key.second)}}, fingerprint));
  }
  return absl::OkStatus();
}

}  // namespace crm::supplier
