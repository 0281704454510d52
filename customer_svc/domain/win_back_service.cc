#include "customer_svc/domain/win_back_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
#include "common/api/order_by.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/resource_state.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "common/audit/record_audit.h"
#include "customer_svc/domain/lifecycle.h"
#include "customer_svc/domain/list_filters.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;
using Kind = common::FilterValueKind;

constexpr std::string_view kCampaigns = "winBackCampaigns";
constexpr size_t kMaxDescriptionChars = 20000;
constexpr size_t kMaxOfferChars = 2000;
constexpr size_t kMaxTargetFilterChars = 2000;
constexpr size_t kMaxCancelReasonChars = 2000;
constexpr size_t kMaxNoteChars = 20000;
// The sort value of an attempt never contacted (sorts first ascending).
constexpr std::string_view kNeverContacted = "0001-01-01 00:00:00.000000";

std::string StateName(v1::WinBackCampaignState state) {
  const std::string& full = v1::WinBackCampaignState_Name(state);
  constexpr std::string_view kPrefix = "WIN_BACK_CAMPAIGN_STATE_";
  return full.rfind(kPrefix, 0) == 0 ? full.substr(kPrefix.size()) : full;
}

std::string AttemptStateName(v1::WinBackAttemptState state) {
  const std::string& full = v1::WinBackAttemptState_Name(state);
  constexpr std::string_view kPrefix = "WIN_BACK_ATTEMPT_STATE_";
  return full.rfind(kPrefix, 0) == 0 ? full.substr(kPrefix.size()) : full;
}

bool IsFinal(v1::WinBackAttemptState state) {
  return state == v1::WIN_BACK_ATTEMPT_STATE_WON_BACK ||
         state == v1::WIN_BACK_ATTEMPT_STATE_DECLINED ||
         state == v1::WIN_BACK_ATTEMPT_STATE_NO_RESPONSE;
}

absl::Status ValidateDate(std::string_view field, const crm::common::v1::Date& date) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.year() < 1 || date.year() > 9999 || day.year() != date.year() ||
      day.month() != date.month() || day.day() != date.day()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: %04d-%02d-%02d is not a valid date", field, date.year(), date.month(), date.day()));
  }
  return absl::OkStatus();
}

std::string DateText(const crm::common::v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

// Validates the campaign fields a caller sets (create and update).
absl::Status ValidateCampaign(const v1::WinBackCampaign& campaign) {
  common::Validator v;
  v.Check(
      common::ValidateRequiredText("win_back_campaign.display_name", campaign.display_name(), 200));
  v.Check(common::ValidateLength("win_back_campaign.description", campaign.description(), 0,
                                 kMaxDescriptionChars));
  v.Check(common::ValidateLength("win_back_campaign.offer", campaign.offer(), 0, kMaxOfferChars));
  v.Check(common::ValidateLength("win_back_campaign.target_filter", campaign.target_filter(), 0,
                                 kMaxTargetFilterChars));
  if (!v.ok()) return v.status();
  std::vector<int> seen;
  for (int i = 0; i < campaign.target_stages_size(); ++i) {
    const int stage = campaign.target_stages(i);
    const std::string field = absl::StrFormat("win_back_campaign.target_stages[%d]", i);
    if (stage != v1::LIFECYCLE_STAGE_AT_RISK && stage != v1::LIFECYCLE_STAGE_CHURNED) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: must be AT_RISK or CHURNED (win-back targets customers who left "
                          "or are leaving)",
                          field));
    }
    for (int earlier : seen) {
      if (earlier == stage) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: %s is listed twice", field, StageName(static_cast<v1::LifecycleStage>(stage))));
      }
    }
    seen.push_back(stage);
  }
  if (absl::StatusOr<std::vector<CustomerCondition>> filter =
          ParseCustomerFilter(campaign.target_filter());
      !filter.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("win_back_campaign.target_filter: ", filter.status().message()));
  }
  if (!campaign.has_start_date()) {
    return absl::InvalidArgumentError("win_back_campaign.start_date: must be set");
  }
  if (!campaign.has_end_date()) {
    return absl::InvalidArgumentError("win_back_campaign.end_date: must be set");
  }
  v.Check(ValidateDate("win_back_campaign.start_date", campaign.start_date()));
  v.Check(ValidateDate("win_back_campaign.end_date", campaign.end_date()));
  if (!v.ok()) return v.status();
  if (DateText(campaign.end_date()) < DateText(campaign.start_date())) {
    return absl::InvalidArgumentError(
        absl::StrFormat("win_back_campaign.end_date: %s is before start_date %s",
                        DateText(campaign.end_date()), DateText(campaign.start_date())));
  }
  return absl::OkStatus();
}

const absl::flat_hash_set<std::string>& CampaignUpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "display_name",  "description", "offer",   "target_stages",
      "target_filter", "start_date",  "end_date"};
  return *paths;
}

const absl::flat_hash_set<std::string>& AttemptUpdatablePaths() {
  static const auto* const paths =
      new absl::flat_hash_set<std::string>{"state", "assignee", "note", "last_contact_time"};
  return *paths;
}

const std::vector<common::FilterField<CampaignColumn>>& CampaignFields() {
  static const auto* const fields = new std::vector<common::FilterField<CampaignColumn>>{
      {"state", CampaignColumn::kState, Kind::kEnum, v1::WinBackCampaignState_descriptor()},
      {"start_date", CampaignColumn::kStartDate, Kind::kTime},
      {"end_date", CampaignColumn::kEndDate, Kind::kTime},
      {"display_name", CampaignColumn::kDisplayName, Kind::kText},
  };
  return *fields;
}

const std::vector<common::FilterField<AttemptColumn>>& AttemptFields() {
  static const auto* const fields = new std::vector<common::FilterField<AttemptColumn>>{
      {"state", AttemptColumn::kState, Kind::kEnum, v1::WinBackAttemptState_descriptor()},
      {"assignee", AttemptColumn::kAssignee, Kind::kExact},
      {"customer", AttemptColumn::kCustomer, Kind::kResource, nullptr, "customers"},
      {"last_contact_time", AttemptColumn::kLastContactTime, Kind::kTime},
  };
  return *fields;
}

// common::ParseOrderByInto; an empty order_by sorts by allowed[0] in the
// `default_descending` direction.
absl::Status ParseOrder(std::string_view order_by, const std::vector<std::string_view>& allowed,
                        bool default_descending, int& index, bool& descending) {
  size_t field = 0;
  descending = default_descending;
  if (absl::Status s = common::ParseOrderByInto(order_by, allowed, field, descending); !s.ok()) {
    return s;
  }
  index = static_cast<int>(field);
  return absl::OkStatus();
}

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

absl::StatusOr<std::optional<ListCursor>> DecodeCursor(std::string_view token,
                                                       std::string_view fingerprint,
                                                       bool date_only) {
  if (token.empty()) return std::nullopt;
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, fingerprint);
  if (!cursor.ok()) return cursor.status();
  ListCursor after;
  if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id)) {
    return InvalidPageToken();
  }
  after.sort_value = cursor->keys[0];
  const std::string datetime =
      date_only ? absl::StrCat(after.sort_value, " 00:00:00") : after.sort_value;
  if (!common::ParseMysqlDatetime(datetime).ok()) return InvalidPageToken();
  return after;
}

absl::StatusOr<StoredCampaign> LockExistingCampaign(WinBackStore& store, int64_t id,
                                                    std::string_view name) {
  return common::RequireFound(store.LockCampaign(id), name);
}

absl::StatusOr<StoredCampaign> LockLiveCampaign(WinBackStore& store, int64_t id,
                                                std::string_view name, std::string_view etag,
                                                std::string_view etag_field) {
  absl::StatusOr<StoredCampaign> stored = LockExistingCampaign(store, id, name);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = common::RequireLiveAtVersion(stored->campaign.has_delete_time(), name, etag,
                                                    stored->version, etag_field);
      !s.ok()) {
    return s;
  }
  return stored;
}

absl::Status Audit(WinBackStore& store, const common::CallContext& call, std::string_view resource,
                   AuditAction action, std::vector<crm::common::v1::FieldChange> changes,
                   std::string_view reason, absl::Time now, std::string_view request_id = "") {
  return common::RecordAudit(store, call, resource, action, std::move(changes), now, reason,
                             request_id);
}

// Stores `updated` over `stored` with an audit entry of the differences.
absl::StatusOr<StoredCampaign> StoreCampaign(WinBackStore& store, const common::CallContext& call,
                                             const StoredCampaign& stored,
                                             v1::WinBackCampaign updated, AuditAction action,
                                             std::string_view reason, absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes =
      common::DiffMessages(stored.campaign, updated);
  absl::StatusOr<StoredCampaign> result = store.UpdateCampaign(updated, stored.version);
  if (!result.ok()) return result.status();
  if (absl::Status s = Audit(store, call, updated.name(), action, std::move(changes), reason, now);
      !s.ok()) {
    return s;
  }
  return result;
}

absl::StatusOr<std::vector<int64_t>> ParseAttemptName(std::string_view field,
                                                      std::string_view name) {
  static constexpr std::string_view kCollections[] = {"winBackCampaigns", "attempts"};
  return common::ParseNestedResourceName(field, name, kCollections);
}

}  // namespace

bool IsLegalAttemptMove(v1::WinBackAttemptState from, v1::WinBackAttemptState to) {
  if (IsFinal(from)) return from == to;
  switch (to) {
    case v1::WIN_BACK_ATTEMPT_STATE_PENDING:
      return from == v1::WIN_BACK_ATTEMPT_STATE_PENDING;
    case v1::WIN_BACK_ATTEMPT_STATE_CONTACTED:
      return from == v1::WIN_BACK_ATTEMPT_STATE_PENDING ||
             from == v1::WIN_BACK_ATTEMPT_STATE_CONTACTED;
    case v1::WIN_BACK_ATTEMPT_STATE_RESPONDED:
      return from != v1::WIN_BACK_ATTEMPT_STATE_UNSPECIFIED;
    case v1::WIN_BACK_ATTEMPT_STATE_WON_BACK:
    case v1::WIN_BACK_ATTEMPT_STATE_DECLINED:
      return from != v1::WIN_BACK_ATTEMPT_STATE_UNSPECIFIED;
    default:
      return false;
  }
}

WinBackService::WinBackService(WinBackRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time WinBackService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status WinBackService::GetWinBackCampaign(const common::CallContext& call,
                                                const v1::GetWinBackCampaignRequest& request,
                                                v1::GetWinBackCampaignResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCampaigns);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredCampaign>> stored =
      repository_.GetCampaign(call.deadline, *id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_win_back_campaign() = std::move((*stored)->campaign);
  return absl::OkStatus();
}

absl::Status WinBackService::ListWinBackCampaigns(const common::CallContext& call,
                                                  const v1::ListWinBackCampaignsRequest& request,
                                                  v1::ListWinBackCampaignsResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  CampaignListQuery query;
  auto conditions = common::ResolveFilter<CampaignColumn>(request.filter(), CampaignFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  int order = 0;
  if (absl::Status s = ParseOrder(request.order_by(), {"create_time", "start_date"}, true, order,
                                  query.descending);
      !s.ok()) {
    return s;
  }
  query.order = order == 0 ? CampaignOrder::kCreateTime : CampaignOrder::kStartDate;
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListWinBackCampaigns", request.filter(), request.order_by(),
                                    request.show_deleted() ? "1" : "0"});
  absl::StatusOr<std::optional<ListCursor>> after =
      DecodeCursor(request.page_token(), fingerprint, query.order == CampaignOrder::kStartDate);
  if (!after.ok()) return after.status();
  query.after = *std::move(after);

  absl::StatusOr<std::vector<StoredCampaign>> rows =
      repository_.ListCampaigns(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (const StoredCampaign& row : *rows) *response.add_win_back_campaigns() = row.campaign;
  if (more) {
    const v1::WinBackCampaign& last = rows->back().campaign;
    const std::string sort_value =
        query.order == CampaignOrder::kStartDate
            ? DateText(last.start_date())
            : common::FormatMysqlDatetime(common::FromProtoTimestamp(last.create_time()));
    response.set_next_page_token(common::EncodePageToken(
        common::PageCursor{{sort_value, std::to_string(rows->back().id)}}, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status WinBackService::CreateWinBackCampaign(const common::CallContext& call,
                                                   const v1::CreateWinBackCampaignRequest& request,
                                                   v1::CreateWinBackCampaignResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::WinBackCampaign campaign = request.win_back_campaign();
  campaign.clear_name();
  campaign.clear_state();
  campaign.clear_attempt_counts();
  campaign.clear_etag();
  campaign.clear_create_time();
  campaign.clear_update_time();
  campaign.clear_delete_time();
  if (absl::Status valid = ValidateCampaign(campaign); !valid.ok()) return valid;
  campaign.set_state(v1::WIN_BACK_CAMPAIGN_STATE_DRAFT);
  const absl::Time now = Now();
  *campaign.mutable_create_time() = common::ToProtoTimestamp(now);
  *campaign.mutable_update_time() = common::ToProtoTimestamp(now);

  v1::CreateWinBackCampaignRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.WinBackService/CreateWinBackCampaign", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](WinBackStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<StoredCampaign> stored = store.InsertCampaign(campaign);
        if (!stored.ok()) return stored.status();
        if (absl::Status s =
                Audit(store, call, stored->campaign.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                      common::DiffFromEmpty(stored->campaign), "", now, request.request_id());
            !s.ok()) {
          return s;
        }
        v1::CreateWinBackCampaignResponse created;
        *created.mutable_win_back_campaign() = std::move(stored->campaign);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreateWinBackCampaign", response);
}

absl::Status WinBackService::UpdateWinBackCampaign(const common::CallContext& call,
                                                   const v1::UpdateWinBackCampaignRequest& request,
                                                   v1::UpdateWinBackCampaignResponse& response) {
  const std::string& name = request.win_back_campaign().name();
  absl::StatusOr<int64_t> id = common::ParseResourceId("win_back_campaign.name", name, kCampaigns);
  if (!id.ok()) return id.status();
  if (absl::Status mask = common::ValidateUpdateMask(
          request.update_mask(), *v1::WinBackCampaign::descriptor(), CampaignUpdatablePaths());
      !mask.ok()) {
    return mask;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](WinBackStore& store) -> absl::Status {
    absl::StatusOr<StoredCampaign> stored = LockLiveCampaign(
        store, *id, name, request.win_back_campaign().etag(), "win_back_campaign.etag");
    if (!stored.ok()) return stored.status();
    v1::WinBackCampaign updated = stored->campaign;
    if (absl::Status s = common::ApplyUpdateMask(request.win_back_campaign(), request.update_mask(),
                                                 CampaignUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (absl::Status valid = ValidateCampaign(updated); !valid.ok()) return valid;
    const v1::WinBackCampaignState state = stored->campaign.state();
    if (state == v1::WIN_BACK_CAMPAIGN_STATE_COMPLETED ||
        state == v1::WIN_BACK_CAMPAIGN_STATE_CANCELLED) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s is %s and can no longer be changed", name, StateName(state)));
    }
    const bool targets_changed =
        updated.target_filter() != stored->campaign.target_filter() ||
        updated.target_stages().size() != stored->campaign.target_stages().size() ||
        !std::equal(updated.target_stages().begin(), updated.target_stages().end(),
                    stored->campaign.target_stages().begin());
    if (targets_changed && state != v1::WIN_BACK_CAMPAIGN_STATE_DRAFT) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s is %s: target_stages and target_filter can only change while DRAFT",
                          name, StateName(state)));
    }
    if (common::DiffMessages(stored->campaign, updated).empty()) {
      *response.mutable_win_back_campaign() = std::move(stored->campaign);
      return absl::OkStatus();
    }
    absl::StatusOr<StoredCampaign> result = StoreCampaign(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_win_back_campaign() = std::move(result->campaign);
    return absl::OkStatus();
  });
}

absl::Status WinBackService::DeleteWinBackCampaign(const common::CallContext& call,
                                                   const v1::DeleteWinBackCampaignRequest& request,
                                                   v1::DeleteWinBackCampaignResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCampaigns);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](WinBackStore& store) -> absl::Status {
    absl::StatusOr<StoredCampaign> stored =
        LockLiveCampaign(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    v1::WinBackCampaign updated = stored->campaign;
    *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredCampaign> result = StoreCampaign(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_DELETE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_win_back_campaign() = std::move(result->campaign);
    return absl::OkStatus();
  });
}

absl::Status WinBackService::UndeleteWinBackCampaign(
    const common::CallContext& call, const v1::UndeleteWinBackCampaignRequest& request,
    v1::UndeleteWinBackCampaignResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCampaigns);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](WinBackStore& store) -> absl::Status {
    absl::StatusOr<StoredCampaign> stored = LockExistingCampaign(store, *id, request.name());
    if (!stored.ok()) return stored.status();
    if (absl::Status s = common::RequireDeletedAtVersion(
            stored->campaign.has_delete_time(), request.name(), request.etag(), stored->version);
        !s.ok()) {
      return s;
    }
    v1::WinBackCampaign updated = stored->campaign;
    updated.clear_delete_time();
    absl::StatusOr<StoredCampaign> result = StoreCampaign(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UNDELETE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_win_back_campaign() = std::move(result->campaign);
    return absl::OkStatus();
  });
}

namespace {

// The campaign in `from_states`, moved to `to` with an audit entry.
absl::StatusOr<StoredCampaign> MoveCampaign(WinBackStore& store, const common::CallContext& call,
                                            const StoredCampaign& stored,
                                            std::initializer_list<v1::WinBackCampaignState> from,
                                            v1::WinBackCampaignState to, std::string_view reason,
                                            absl::Time now) {
  const v1::WinBackCampaignState state = stored.campaign.state();
  bool legal = false;
  std::vector<std::string> from_names;
  for (v1::WinBackCampaignState candidate : from) {
    legal = legal || candidate == state;
    from_names.push_back(StateName(candidate));
  }
  if (!legal) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s cannot move from %s to %s; only a %s campaign can", stored.campaign.name(),
        StateName(state), StateName(to), absl::StrJoin(from_names, " or ")));
  }
  v1::WinBackCampaign updated = stored.campaign;
  updated.set_state(to);
  return StoreCampaign(store, call, stored, std::move(updated),
                       crm::common::v1::AUDIT_ACTION_STATE_CHANGE, reason, now);
}

}  // namespace

absl::Status WinBackService::LaunchWinBackCampaign(const common::CallContext& call,
                                                   const v1::LaunchWinBackCampaignRequest& request,
                                                   v1::LaunchWinBackCampaignResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCampaigns);
  if (!id.ok()) return id.status();
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  v1::LaunchWinBackCampaignRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.WinBackService/LaunchWinBackCampaign", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](WinBackStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<StoredCampaign> stored =
            LockLiveCampaign(store, *id, request.name(), request.etag(), "etag");
        if (!stored.ok()) return stored.status();
        if (stored->campaign.state() != v1::WIN_BACK_CAMPAIGN_STATE_DRAFT) {
          return absl::FailedPreconditionError(absl::StrFormat(
              "%s cannot move from %s to ACTIVE; only a DRAFT campaign can be launched",
              request.name(), StateName(stored->campaign.state())));
        }
        std::vector<v1::LifecycleStage> stages;
        for (int stage : stored->campaign.target_stages()) {
          stages.push_back(static_cast<v1::LifecycleStage>(stage));
        }
        if (stages.empty()) stages = {v1::LIFECYCLE_STAGE_AT_RISK, v1::LIFECYCLE_STAGE_CHURNED};
        absl::StatusOr<std::vector<CustomerCondition>> conditions =
            ParseCustomerFilter(stored->campaign.target_filter());
        if (!conditions.ok()) return conditions.status();
        absl::StatusOr<std::vector<LaunchTarget>> targets =
            store.SelectTargets(stages, *conditions);
        if (!targets.ok()) return targets.status();
        if (absl::Status s = store.InsertAttempts(*id, *targets, now); !s.ok()) return s;
        absl::StatusOr<StoredCampaign> result =
            MoveCampaign(store, call, *stored, {v1::WIN_BACK_CAMPAIGN_STATE_DRAFT},
                         v1::WIN_BACK_CAMPAIGN_STATE_ACTIVE,
                         absl::StrFormat("launched with %d attempts", targets->size()), now);
        if (!result.ok()) return result.status();
        v1::LaunchWinBackCampaignResponse launched;
        *launched.mutable_win_back_campaign() = std::move(result->campaign);
        return launched.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "LaunchWinBackCampaign", response);
}

absl::Status WinBackService::CompleteWinBackCampaign(
    const common::CallContext& call, const v1::CompleteWinBackCampaignRequest& request,
    v1::CompleteWinBackCampaignResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCampaigns);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](WinBackStore& store) -> absl::Status {
    absl::StatusOr<StoredCampaign> stored =
        LockLiveCampaign(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    if (stored->campaign.state() != v1::WIN_BACK_CAMPAIGN_STATE_ACTIVE) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s cannot move from %s to COMPLETED; only an ACTIVE campaign can be completed",
          request.name(), StateName(stored->campaign.state())));
    }
    absl::StatusOr<int64_t> closed =
        store.CloseOpenAttempts(*id, v1::WIN_BACK_ATTEMPT_STATE_NO_RESPONSE, now);
    if (!closed.ok()) return closed.status();
    absl::StatusOr<StoredCampaign> result = MoveCampaign(
        store, call, *stored, {v1::WIN_BACK_CAMPAIGN_STATE_ACTIVE},
        v1::WIN_BACK_CAMPAIGN_STATE_COMPLETED,
        absl::StrFormat("completed; %d open attempts closed as NO_RESPONSE", *closed), now);
    if (!result.ok()) return result.status();
    // The counts changed after the update; read them again.
    absl::StatusOr<std::optional<StoredCampaign>> reread = store.LockCampaign(*id);
    if (!reread.ok()) return reread.status();
    *response.mutable_win_back_campaign() = std::move((*reread)->campaign);
    return absl::OkStatus();
  });
}

absl::Status WinBackService::CancelWinBackCampaign(const common::CallContext& call,
                                                   const v1::CancelWinBackCampaignRequest& request,
                                                   v1::CancelWinBackCampaignResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCampaigns);
  if (!id.ok()) return id.status();
  if (absl::Status s =
          common::ValidateRequiredText("reason", request.reason(), kMaxCancelReasonChars);
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](WinBackStore& store) -> absl::Status {
    absl::StatusOr<StoredCampaign> stored =
        LockLiveCampaign(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    absl::StatusOr<StoredCampaign> result =
        MoveCampaign(store, call, *stored,
                     {v1::WIN_BACK_CAMPAIGN_STATE_DRAFT, v1::WIN_BACK_CAMPAIGN_STATE_ACTIVE},
                     v1::WIN_BACK_CAMPAIGN_STATE_CANCELLED, request.reason(), now);
    if (!result.ok()) return result.status();
    *response.mutable_win_back_campaign() = std::move(result->campaign);
    return absl::OkStatus();
  });
}

absl::Status WinBackService::GetWinBackAttempt(const common::CallContext& call,
                                               const v1::GetWinBackAttemptRequest& request,
                                               v1::GetWinBackAttemptResponse& response) {
  absl::StatusOr<std::vector<int64_t>> ids = ParseAttemptName("name", request.name());
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::optional<StoredAttempt>> stored =
      repository_.GetAttempt(call.deadline, (*ids)[0], (*ids)[1]);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_win_back_attempt() = std::move((*stored)->attempt);
  return absl::OkStatus();
}

absl::Status WinBackService::ListWinBackAttempts(const common::CallContext& call,
                                                 const v1::ListWinBackAttemptsRequest& request,
                                                 v1::ListWinBackAttemptsResponse& response) {
  absl::StatusOr<int64_t> campaign_id =
      common::ParseResourceId("parent", request.parent(), kCampaigns);
  if (!campaign_id.ok()) return campaign_id.status();
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  AttemptListQuery query;
  query.campaign_id = *campaign_id;
  auto conditions = common::ResolveFilter<AttemptColumn>(request.filter(), AttemptFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  int order = 0;
  if (absl::Status s = ParseOrder(request.order_by(), {"create_time", "last_contact_time"}, false,
                                  order, query.descending);
      !s.ok()) {
    return s;
  }
  query.order = order == 0 ? AttemptOrder::kCreateTime : AttemptOrder::kLastContactTime;
  query.limit = *page_size + 1;
  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListWinBackAttempts", request.parent(), request.filter(), request.order_by()});
  absl::StatusOr<std::optional<ListCursor>> after =
      DecodeCursor(request.page_token(), fingerprint, false);
  if (!after.ok()) return after.status();
  query.after = *std::move(after);

  absl::StatusOr<std::optional<StoredCampaign>> campaign =
      repository_.GetCampaign(call.deadline, *campaign_id);
  if (!campaign.ok()) return campaign.status();
  if (!campaign->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.parent()));
  }
  absl::StatusOr<std::vector<StoredAttempt>> rows = repository_.ListAttempts(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (const StoredAttempt& row : *rows) *response.add_win_back_attempts() = row.attempt;
  if (more) {
    const v1::WinBackAttempt& last = rows->back().attempt;
    std::string sort_value;
    if (query.order == AttemptOrder::kCreateTime) {
      sort_value = common::FormatMysqlDatetime(common::FromProtoTimestamp(last.create_time()));
    } else if (last.has_last_contact_time()) {
      sort_value =
          common::FormatMysqlDatetime(common::FromProtoTimestamp(last.last_contact_time()));
    } else {
      sort_value = std::string(kNeverContacted);
    }
    response.set_next_page_token(common::EncodePageToken(
        common::PageCursor{{sort_value, std::to_string(rows->back().id)}}, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status WinBackService::UpdateWinBackAttempt(const common::CallContext& call,
                                                  const v1::UpdateWinBackAttemptRequest& request,
                                                  v1::UpdateWinBackAttemptResponse& response) {
  const v1::WinBackAttempt& patch = request.win_back_attempt();
  absl::StatusOr<std::vector<int64_t>> ids =
      ParseAttemptName("win_back_attempt.name", patch.name());
  if (!ids.ok()) return ids.status();
  if (absl::Status mask = common::ValidateUpdateMask(
          request.update_mask(), *v1::WinBackAttempt::descriptor(), AttemptUpdatablePaths());
      !mask.ok()) {
    return mask;
  }
  common::Validator v;
  v.Check(common::ValidateEnum("win_back_attempt.state", patch.state(),
                               *v1::WinBackAttemptState_descriptor(), true));
  if (!patch.assignee().empty()) {
    v.Check(common::ParseResourceId("win_back_attempt.assignee", patch.assignee(), "employees")
                .status());
  }
  v.Check(common::ValidateLength("win_back_attempt.note", patch.note(), 0, kMaxNoteChars));
  if (patch.has_last_contact_time()) {
    v.Check(
        common::ValidateTimestamp("win_back_attempt.last_contact_time", patch.last_contact_time()));
  }
  if (!v.ok()) return v.status();
  const std::vector<std::string> paths =
      common::ExpandMask(request.update_mask(), AttemptUpdatablePaths());
  const bool sets_state = std::find(paths.begin(), paths.end(), "state") != paths.end();
  const bool sets_contact =
      std::find(paths.begin(), paths.end(), "last_contact_time") != paths.end();
  if (sets_state && patch.state() == v1::WIN_BACK_ATTEMPT_STATE_UNSPECIFIED) {
    return absl::InvalidArgumentError("win_back_attempt.state: must be set");
  }
  const absl::Time now = Now();
  const std::string campaign_name = common::FormatResourceName(kCampaigns, (*ids)[0]);
  return repository_.Transact(call.deadline, [&](WinBackStore& store) -> absl::Status {
    absl::StatusOr<std::optional<StoredCampaign>> campaign = store.LockCampaign((*ids)[0]);
    if (!campaign.ok()) return campaign.status();
    absl::StatusOr<std::optional<StoredAttempt>> stored = store.LockAttempt((*ids)[0], (*ids)[1]);
    if (!stored.ok()) return stored.status();
    if (!campaign->has_value() || !stored->has_value()) {
      return absl::NotFoundError(absl::StrFormat("%s does not exist", patch.name()));
    }
    const v1::WinBackCampaign& owner = (*campaign)->campaign;
    if (owner.has_delete_time()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s is deleted; undelete it before changing its attempts", campaign_name));
    }
    if (owner.state() != v1::WIN_BACK_CAMPAIGN_STATE_ACTIVE) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s is %s; attempts can only change while the campaign is ACTIVE",
                          campaign_name, StateName(owner.state())));
    }
    if (absl::Status etag = common::CheckEtag(patch.etag(), (*stored)->version, patch.name(),
                                              "win_back_attempt.etag");
        !etag.ok()) {
      return etag;
    }
    StoredAttempt updated = **stored;
    const v1::WinBackAttemptState from = updated.attempt.state();
    if (IsFinal(from)) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s is %s, a final state; it cannot change any more", patch.name(),
                          AttemptStateName(from)));
    }
    if (absl::Status s = common::ApplyUpdateMask(patch, request.update_mask(),
                                                 AttemptUpdatablePaths(), &updated.attempt);
        !s.ok()) {
      return s;
    }
    const v1::WinBackAttemptState to = updated.attempt.state();
    if (!IsLegalAttemptMove(from, to)) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s cannot move from %s to %s%s", patch.name(), AttemptStateName(from),
                          AttemptStateName(to),
                          to == v1::WIN_BACK_ATTEMPT_STATE_NO_RESPONSE
                              ? " (NO_RESPONSE is set by CompleteWinBackCampaign)"
                              : ""));
    }
    if (to == v1::WIN_BACK_ATTEMPT_STATE_CONTACTED && from != to && !sets_contact) {
      *updated.attempt.mutable_last_contact_time() = common::ToProtoTimestamp(now);
    }
    if (common::DiffMessages(stored->value().attempt, updated.attempt).empty()) {
      *response.mutable_win_back_attempt() = std::move(updated.attempt);
      return absl::OkStatus();
    }
    if (to == v1::WIN_BACK_ATTEMPT_STATE_WON_BACK && from != to) {
      absl::StatusOr<std::optional<CustomerStage>> customer =
          store.LockCustomerStage(updated.customer_id);
      if (!customer.ok()) return customer.status();
      const std::string& customer_name = updated.attempt.customer();
      if (!customer->has_value() || (*customer)->deleted) {
        return absl::FailedPreconditionError(
            absl::StrFormat("%s cannot be won back: %s is deleted", patch.name(), customer_name));
      }
      const v1::LifecycleStage stage = (*customer)->stage;
      std::optional<v1::LifecycleStage> next;
      if (stage == v1::LIFECYCLE_STAGE_CHURNED) next = v1::LIFECYCLE_STAGE_WON_BACK;
      if (stage == v1::LIFECYCLE_STAGE_AT_RISK) next = v1::LIFECYCLE_STAGE_ACTIVE;
      if (next.has_value()) {
        if (absl::Status legal = CheckTransition(customer_name, stage, *next); !legal.ok()) {
          return legal;
        }
        StageMove move;
        move.customer_id = updated.customer_id;
        move.from = stage;
        move.to = *next;
        move.actor = call.caller.team;
        move.reason = absl::StrFormat("won back by %s", patch.name());
        move.request_id = call.request_id;
        move.automatic = false;
        move.time = now;
        if (absl::Status s = store.MoveStage(move); !s.ok()) return s;
      }
    }
    *updated.attempt.mutable_update_time() = common::ToProtoTimestamp(now);
    std::vector<crm::common::v1::FieldChange> changes =
        common::DiffMessages(stored->value().attempt, updated.attempt);
    absl::StatusOr<StoredAttempt> result = store.UpdateAttempt(updated, (*stored)->version);
    if (!result.ok()) return result.status();
    if (absl::Status s = Audit(store, call, patch.name(),
                               from != to ? crm::common::v1::AUDIT_ACTION_STATE_CHANGE
                                          : crm::common::v1::AUDIT_ACTION_UPDATE,
                               std::move(changes), "", now);
        !s.ok()) {
      return s;
    }
    *response.mutable_win_back_attempt() = std::move(result->attempt);
    return absl::OkStatus();
  });
}

}  // namespace crm::customer
