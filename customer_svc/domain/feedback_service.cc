#include "customer_svc/domain/feedback_service.h"

#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/api/order_by.h"
#include "common/api/fingerprint.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "customer_svc/domain/feedback_rules.h"

namespace crm::customer {
namespace {

constexpr std::string_view kCustomers = "customers";

const std::vector<common::FilterField<FeedbackColumn>>& FeedbackFilterFields() {
  static const auto* const fields = new std::vector<common::FilterField<FeedbackColumn>>{
      {"kind", FeedbackColumn::kKind, common::FilterValueKind::kEnum,
       v1::FeedbackKind_descriptor()},
      {"score", FeedbackColumn::kScore, common::FilterValueKind::kExact},
      {"nps_category", FeedbackColumn::kNpsCategory, common::FilterValueKind::kEnum,
       v1::NpsCategory_descriptor()},
      {"subject", FeedbackColumn::kSubject, common::FilterValueKind::kExact},
      {"respond_time", FeedbackColumn::kRespondTime, common::FilterValueKind::kTime},
  };
  return *fields;
}

absl::StatusOr<std::optional<int64_t>> ParseParent(std::string_view parent) {
  if (parent == "customers/-") return std::nullopt;
  absl::StatusOr<int64_t> id = common::ParseResourceId("parent", parent, kCustomers);
  if (!id.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(id.status().message()), " or customers/- for every customer"));
  }
  return *id;
}

// The filter's conditions; a score must be a whole number 0-10.
absl::StatusOr<std::vector<FeedbackCondition>> ParseFeedbackFilter(std::string_view filter) {
  auto conditions = common::ResolveFilter<FeedbackColumn>(filter, FeedbackFilterFields());
  if (!conditions.ok()) return conditions.status();
  for (FeedbackCondition& condition : *conditions) {
    if (condition.column != FeedbackColumn::kScore) continue;
    int64_t score = -1;
    const std::string* text = std::get_if<std::string>(&condition.value);
    if (text == nullptr || !absl::SimpleAtoi(*text, &score) || score < 0 || score > 10) {
      return absl::InvalidArgumentError("filter: score must be compared with a whole number 0-10");
    }
    condition.value = score;
  }
  return conditions;
}

}  // namespace

FeedbackService::FeedbackService(FeedbackRepository& repository, std::function<absl::Time()> clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time FeedbackService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status FeedbackService::GetFeedback(const common::CallContext& call,
                                          const v1::GetFeedbackRequest& request,
                                          v1::GetFeedbackResponse& response) {
  static const std::vector<std::string_view> kCollections = {"customers", "feedback"};
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseNestedResourceName("name", request.name(), kCollections);
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::optional<StoredFeedback>> stored =
      repository_.GetFeedback(call.deadline, (*ids)[0], (*ids)[1]);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value())
    return absl::NotFoundError(absl::StrCat(request.name(), " does not exist"));
  *response.mutable_feedback() = std::move((*stored)->feedback);
  return absl::OkStatus();
}

absl::Status FeedbackService::ListFeedback(const common::CallContext& call,
                                           const v1::ListFeedbackRequest& request,
                                           v1::ListFeedbackResponse& response) {
  FeedbackListQuery query;
  absl::StatusOr<std::optional<int64_t>> parent = ParseParent(request.parent());
  if (!parent.ok()) return parent.status();
  query.customer_id = *parent;
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<FeedbackCondition>> conditions = ParseFeedbackFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  size_t order = 0;
  query.descending = true;
  if (absl::Status s = common::ParseOrderByInto(request.order_by(), {"respond_time", "score"}, order,
                                          query.descending);
      !s.ok()) {
    return s;
  }
  query.order = order == 1 ? FeedbackOrder::kScore : FeedbackOrder::kRespondTime;
  query.limit = *page_size + 1;
  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListFeedback", request.parent(), request.filter(), request.order_by()});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    int64_t score = 0;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &query.after_id) ||
        (query.order == FeedbackOrder::kScore
             ? !absl::SimpleAtoi(cursor->keys[0], &score)
             : !common::ParseMysqlDatetime(cursor->keys[0]).ok())) {
      return absl::InvalidArgumentError("page_token: invalid or corrupted");
    }
    query.after_sort_value = cursor->keys[0];
  }
  absl::StatusOr<std::vector<StoredFeedback>> rows = repository_.ListFeedback(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (const StoredFeedback& row : *rows) *response.add_feedback() = row.feedback;
  if (more) {
    const StoredFeedback& last = rows->back();
    const std::string sort =
        query.order == FeedbackOrder::kScore
            ? std::to_string(last.feedback.score())
            : common::FormatMysqlDatetime(common::FromProtoTimestamp(last.feedback.respond_time()));
    response.set_next_page_token(
        common::EncodePageToken(common::PageCursor{{sort, std::to_string(last.id)}}, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status FeedbackService::CreateFeedback(const common::CallContext& call,
                                             const v1::CreateFeedbackRequest& request,
                                             v1::CreateFeedbackResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("parent", request.parent(), kCustomers);
  if (!customer_id.ok()) return customer_id.status();
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  v1::Feedback feedback = request.feedback();
  feedback.clear_name();
  feedback.clear_nps_category();
  feedback.clear_create_time();
  if (absl::Status s = NormalizeFeedback(feedback, now); !s.ok()) return s;
  *feedback.mutable_create_time() = common::ToProtoTimestamp(now);
  v1::CreateFeedbackRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.FeedbackService/CreateFeedback", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](FeedbackStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<std::optional<bool>> deleted = store.LockCustomerDeleted(*customer_id);
        if (!deleted.ok()) return deleted.status();
        if (!deleted->has_value()) {
          return absl::NotFoundError(absl::StrCat(request.parent(), " does not exist"));
        }
        if (**deleted) {
          return absl::FailedPreconditionError(absl::StrCat(request.parent(), " is deleted"));
        }
        absl::StatusOr<StoredFeedback> inserted = store.InsertFeedback(*customer_id, feedback);
        if (!inserted.ok()) return inserted.status();
        if (absl::Status s = store.InsertAuditEntry(common::MakeAuditEntry(
                call, inserted->feedback.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                common::DiffFromEmpty(inserted->feedback), "", now));
            !s.ok()) {
          return s;
        }
        v1::CreateFeedbackResponse created;
        *created.mutable_feedback() = std::move(inserted->feedback);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored, "CreateFeedback", response);
}

absl::Status FeedbackService::GetFeedbackSummary(const common::CallContext& call,
                                                 const v1::GetFeedbackSummaryRequest& request,
                                                 v1::GetFeedbackSummaryResponse& response) {
  FeedbackSummaryQuery query;
  absl::StatusOr<std::optional<int64_t>> parent = ParseParent(request.parent());
  if (!parent.ok()) return parent.status();
  query.customer_id = *parent;
  if (request.has_start_time()) {
    if (absl::Status s = common::ValidateTimestamp("start_time", request.start_time()); !s.ok()) {
      return s;
    }
    query.start = common::FromProtoTimestamp(request.start_time());
  }
  if (request.has_end_time()) {
    if (absl::Status s = common::ValidateTimestamp("end_time", request.end_time()); !s.ok())
      return s;
    query.end = common::FromProtoTimestamp(request.end_time());
  }
  if (query.start.has_value() && query.end.has_value() && *query.end < *query.start) {
    return absl::InvalidArgumentError("end_time: must not be before start_time");
  }
  absl::StatusOr<std::vector<FeedbackCondition>> conditions = ParseFeedbackFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  absl::StatusOr<FeedbackCounts> counts = repository_.CountFeedback(call.deadline, query);
  if (!counts.ok()) return counts.status();
  *response.mutable_summary() = ComputeFeedbackSummary(*counts);
  return absl::OkStatus();
}

}  // namespace crm::customer
