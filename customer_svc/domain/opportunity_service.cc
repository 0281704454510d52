#include "customer_svc/domain/opportunity_service.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
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
#include "customer_svc/domain/opportunity_rules.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;

constexpr std::string_view kCustomers = "customers";
constexpr std::string_view kStages = "pipelineStages";
constexpr std::string_view kOpportunityCollections[] = {"customers", "opportunities"};

struct OpportunityId {
  int64_t customer_id = 0;
  int64_t id = 0;
};

absl::StatusOr<OpportunityId> ParseOpportunityName(std::string_view field, std::string_view name) {
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseNestedResourceName(field, name, kOpportunityCollections);
  if (!ids.ok()) return ids.status();
  return OpportunityId{(*ids)[0], (*ids)[1]};
}

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

absl::Status Audit(OpportunityStore& store, const common::CallContext& call,
                   std::string_view resource, AuditAction action,
                   std::vector<crm::common::v1::FieldChange> changes, std::string_view reason,
                   absl::Time now, std::string_view request_id = "") {
  return common::RecordAudit(store, call, resource, action, std::move(changes), now, reason,
                             request_id);
}

// ---- stages ----

absl::StatusOr<StoredStage> LockExistingStage(OpportunityStore& store, int64_t id,
                                              std::string_view name) {
  return common::RequireFound(store.LockStage(id), name);
}

absl::StatusOr<StoredStage> LockLiveStage(OpportunityStore& store, int64_t id,
                                          std::string_view name, std::string_view etag,
                                          std::string_view etag_field) {
  absl::StatusOr<StoredStage> stored = LockExistingStage(store, id, name);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = common::RequireLiveAtVersion(stored->stage.has_delete_time(), name, etag,
                                                    stored->version, etag_field);
      !s.ok()) {
    return s;
  }
  return stored;
}

// ALREADY_EXISTS when another live stage has the display name or position.
absl::Status CheckStageUnique(OpportunityStore& store, const v1::PipelineStage& stage,
                              int64_t self_id) {
  absl::StatusOr<std::optional<int64_t>> named =
      store.FindLiveStageByDisplayName(stage.display_name(), self_id);
  if (!named.ok()) return named.status();
  if (named->has_value()) {
    return absl::AlreadyExistsError(absl::StrFormat(
        "pipeline_stage.display_name: %s is already the name of %s",
        common::QuoteValue(stage.display_name()), common::FormatResourceName(kStages, **named)));
  }
  absl::StatusOr<std::optional<int64_t>> placed =
      store.FindLiveStageByPosition(stage.position(), self_id);
  if (!placed.ok()) return placed.status();
  if (placed->has_value()) {
    return absl::AlreadyExistsError(
        absl::StrFormat("pipeline_stage.position: %d is already the position of %s",
                        stage.position(), common::FormatResourceName(kStages, **placed)));
  }
  return absl::OkStatus();
}

absl::StatusOr<StoredStage> StoreStageChange(OpportunityStore& store,
                                             const common::CallContext& call,
                                             const StoredStage& stored, v1::PipelineStage updated,
                                             AuditAction action, absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes = common::DiffMessages(stored.stage, updated);
  absl::StatusOr<StoredStage> result = store.UpdateStage(updated, stored.version);
  if (!result.ok()) return result.status();
  if (absl::Status s = Audit(store, call, updated.name(), action, std::move(changes), "", now);
      !s.ok()) {
    return s;
  }
  return result;
}

// ---- opportunities ----

absl::StatusOr<StoredOpportunity> LockExistingOpportunity(OpportunityStore& store,
                                                          const OpportunityId& id,
                                                          std::string_view name) {
  absl::StatusOr<std::optional<StoredOpportunity>> stored = store.LockOpportunity(id.id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value() || (*stored)->customer_id != id.customer_id) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", name));
  }
  return **std::move(stored);
}

absl::StatusOr<StoredOpportunity> LockLiveOpportunity(OpportunityStore& store,
                                                      const OpportunityId& id,
                                                      std::string_view name, std::string_view etag,
                                                      std::string_view etag_field) {
  absl::StatusOr<StoredOpportunity> stored = LockExistingOpportunity(store, id, name);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = common::RequireLiveAtVersion(stored->opportunity.has_delete_time(), name,
                                                    etag, stored->version, etag_field);
      !s.ok()) {
    return s;
  }
  return stored;
}

absl::StatusOr<StoredOpportunity> StoreOpportunityChange(
    OpportunityStore& store, const common::CallContext& call, const StoredOpportunity& stored,
    v1::Opportunity updated, AuditAction action, std::string_view reason, absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes =
      common::DiffMessages(stored.opportunity, updated);
  absl::StatusOr<StoredOpportunity> result = store.UpdateOpportunity(updated, stored.version);
  if (!result.ok()) return result.status();
  if (absl::Status s = Audit(store, call, updated.name(), action, std::move(changes), reason, now);
      !s.ok()) {
    return s;
  }
  return result;
}

// A live stage, locked; NOT_FOUND / FAILED_PRECONDITION naming `field`.
absl::StatusOr<StoredStage> LockTargetStage(OpportunityStore& store, std::string_view field,
                                            std::string_view name) {
  absl::StatusOr<int64_t> id = common::ParseResourceId(field, name, kStages);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredStage>> stage = store.LockStage(*id);
  if (!stage.ok()) return stage.status();
  if (!stage->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s: %s does not exist", field, name));
  }
  if ((*stage)->stage.has_delete_time()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s: %s is deleted; undelete it or pick another stage", field, name));
  }
  return **std::move(stage);
}

std::string CloseDateText(const v1::Opportunity& opportunity) {
  return common::FormatIsoDate(common::FromDateMessage(opportunity.expected_close_date()));
}

}  // namespace

absl::Status PrepareNewOpportunity(v1::Opportunity& opportunity, std::string_view prefix) {
  ClearOpportunityOutputOnlyFields(opportunity);
  const std::string stage_field = absl::StrCat(std::string(prefix), "pipeline_stage");
  if (opportunity.pipeline_stage().empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must name an OPEN stage, pipelineStages/{id}", stage_field));
  }
  if (absl::Status s =
          common::ParseResourceId(stage_field, opportunity.pipeline_stage(), kStages).status();
      !s.ok()) {
    return s;
  }
  if (absl::Status s = NormalizeOpportunity(opportunity, prefix); !s.ok()) return s;
  if (!opportunity.lost_reason().empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%slost_reason: must be empty on create; it is given when moving to a LOST stage",
        std::string(prefix)));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Opportunity> InsertNewOpportunity(OpportunityStore& store,
                                                     const common::CallContext& call,
                                                     int64_t customer_id,
                                                     v1::Opportunity opportunity,
                                                     std::string_view prefix,
                                                     std::string_view request_id, absl::Time now) {
  const std::string customer_name = common::FormatResourceName(kCustomers, customer_id);
  absl::StatusOr<CustomerPresence> customer = store.LockCustomerPresence(customer_id);
  if (!customer.ok()) return customer.status();
  if (*customer == CustomerPresence::kMissing) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", customer_name));
  }
  if (*customer == CustomerPresence::kDeleted) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is deleted; undelete it before adding opportunities", customer_name));
  }
  const std::string stage_field = absl::StrCat(std::string(prefix), "pipeline_stage");
  absl::StatusOr<StoredStage> stage =
      LockTargetStage(store, stage_field, opportunity.pipeline_stage());
  if (!stage.ok()) return stage.status();
  if (stage->stage.outcome() != v1::PIPELINE_STAGE_OUTCOME_OPEN) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: %s is a %s stage; create the opportunity in an OPEN stage, then move it", stage_field,
        opportunity.pipeline_stage(), OutcomeName(stage->stage.outcome())));
  }
  if (opportunity.probability_percent() == 0) {
    opportunity.set_probability_percent(stage->stage.probability_percent());
  }
  opportunity.set_state(v1::OPPORTUNITY_STATE_OPEN);
  SetWeightedAmount(opportunity);
  const google::protobuf::Timestamp now_proto = common::ToProtoTimestamp(now);
  *opportunity.mutable_create_time() = now_proto;
  *opportunity.mutable_update_time() = now_proto;
  absl::StatusOr<StoredOpportunity> stored = store.InsertOpportunity(customer_id, opportunity);
  if (!stored.ok()) return stored.status();
  if (absl::Status s =
          Audit(store, call, stored->opportunity.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                common::DiffFromEmpty(stored->opportunity), "", now, request_id);
      !s.ok()) {
    return s;
  }
  return std::move(stored->opportunity);
}

OpportunityService::OpportunityService(OpportunityRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time OpportunityService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status OpportunityService::GetPipelineStage(const common::CallContext& call,
                                                  const v1::GetPipelineStageRequest& request,
                                                  v1::GetPipelineStageResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kStages);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredStage>> stored = repository_.GetStage(call.deadline, *id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_pipeline_stage() = std::move((*stored)->stage);
  return absl::OkStatus();
}

absl::Status OpportunityService::ListPipelineStages(const common::CallContext& call,
                                                    const v1::ListPipelineStagesRequest& request,
                                                    v1::ListPipelineStagesResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  StageListQuery query;
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListPipelineStages", request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    std::pair<int64_t, int64_t> after;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[0], &after.first) ||
        !absl::SimpleAtoi(cursor->keys[1], &after.second)) {
      return InvalidPageToken();
    }
    query.after = after;
  }
  absl::StatusOr<std::vector<StoredStage>> rows = repository_.ListStages(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredStage& row : *rows) *response.add_pipeline_stages() = row.stage;
  if (more) {
    const StoredStage& last = rows->back();
    common::PageCursor next{{std::to_string(last.stage.position()), std::to_string(last.id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status OpportunityService::CreatePipelineStage(const common::CallContext& call,
                                                     const v1::CreatePipelineStageRequest& request,
                                                     v1::CreatePipelineStageResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::PipelineStage stage = request.pipeline_stage();
  ClearStageOutputOnlyFields(stage);
  if (absl::Status s = NormalizeStage(stage); !s.ok()) return s;
  const absl::Time now = Now();
  *stage.mutable_create_time() = common::ToProtoTimestamp(now);
  *stage.mutable_update_time() = common::ToProtoTimestamp(now);
  v1::CreatePipelineStageRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.OpportunityService/CreatePipelineStage", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](OpportunityStore& store) -> absl::StatusOr<std::string> {
        if (absl::Status s = CheckStageUnique(store, stage, 0); !s.ok()) return s;
        absl::StatusOr<StoredStage> stored = store.InsertStage(stage);
        if (!stored.ok()) return stored.status();
        if (absl::Status s =
                Audit(store, call, stored->stage.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                      common::DiffFromEmpty(stored->stage), "", now, request.request_id());
            !s.ok()) {
          return s;
        }
        v1::CreatePipelineStageResponse created;
        *created.mutable_pipeline_stage() = std::move(stored->stage);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreatePipelineStage", response);
}

absl::Status OpportunityService::UpdatePipelineStage(const common::CallContext& call,
                                                     const v1::UpdatePipelineStageRequest& request,
                                                     v1::UpdatePipelineStageResponse& response) {
  const std::string& name = request.pipeline_stage().name();
  absl::StatusOr<int64_t> id = common::ParseResourceId("pipeline_stage.name", name, kStages);
  if (!id.ok()) return id.status();
  if (absl::Status s = common::ValidateUpdateMask(
          request.update_mask(), *v1::PipelineStage::descriptor(), StageUpdatablePaths());
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OpportunityStore& store) -> absl::Status {
    absl::StatusOr<StoredStage> stored =
        LockLiveStage(store, *id, name, request.pipeline_stage().etag(), "pipeline_stage.etag");
    if (!stored.ok()) return stored.status();
    v1::PipelineStage updated = stored->stage;
    if (absl::Status s = common::ApplyUpdateMask(request.pipeline_stage(), request.update_mask(),
                                                 StageUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = NormalizeStage(updated); !s.ok()) return s;
    if (common::DiffMessages(stored->stage, updated).empty()) {
      *response.mutable_pipeline_stage() = std::move(stored->stage);
      return absl::OkStatus();
    }
    if (absl::Status s = CheckStageUnique(store, updated, *id); !s.ok()) return s;
    if (updated.outcome() != stored->stage.outcome()) {
      absl::StatusOr<int64_t> used = store.CountOpportunitiesInStage(*id, /*open_only=*/false);
      if (!used.ok()) return used.status();
      if (*used > 0) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "pipeline_stage.outcome: %s holds %d opportunities; its outcome cannot change from "
            "%s to %s (create a new stage instead)",
            name, *used, OutcomeName(stored->stage.outcome()), OutcomeName(updated.outcome())));
      }
    }
    absl::StatusOr<StoredStage> result = StoreStageChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, now);
    if (!result.ok()) return result.status();
    *response.mutable_pipeline_stage() = std::move(result->stage);
    return absl::OkStatus();
  });
}

absl::Status OpportunityService::DeletePipelineStage(const common::CallContext& call,
                                                     const v1::DeletePipelineStageRequest& request,
                                                     v1::DeletePipelineStageResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kStages);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OpportunityStore& store) -> absl::Status {
    absl::StatusOr<StoredStage> stored =
        LockLiveStage(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    absl::StatusOr<int64_t> open = store.CountOpportunitiesInStage(*id, /*open_only=*/true);
    if (!open.ok()) return open.status();
    if (*open > 0) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s is the stage of %d open opportunities; move them to another stage first",
          request.name(), *open));
    }
    v1::PipelineStage updated = stored->stage;
    *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredStage> result = StoreStageChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_DELETE, now);
    if (!result.ok()) return result.status();
    *response.mutable_pipeline_stage() = std::move(result->stage);
    return absl::OkStatus();
  });
}

absl::Status OpportunityService::UndeletePipelineStage(
    const common::CallContext& call, const v1::UndeletePipelineStageRequest& request,
    v1::UndeletePipelineStageResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kStages);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OpportunityStore& store) -> absl::Status {
    absl::StatusOr<StoredStage> stored = LockExistingStage(store, *id, request.name());
    if (!stored.ok()) return stored.status();
    if (absl::Status s = common::RequireDeletedAtVersion(
            stored->stage.has_delete_time(), request.name(), request.etag(), stored->version);
        !s.ok()) {
      return s;
    }
    // Another stage may have taken the name or position meanwhile.
    if (absl::Status s = CheckStageUnique(store, stored->stage, *id); !s.ok()) return s;
    v1::PipelineStage updated = stored->stage;
    updated.clear_delete_time();
    absl::StatusOr<StoredStage> result = StoreStageChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UNDELETE, now);
    if (!result.ok()) return result.status();
    *response.mutable_pipeline_stage() = std::move(result->stage);
    return absl::OkStatus();
  });
}

absl::Status OpportunityService::GetOpportunity(const common::CallContext& call,
                                                const v1::GetOpportunityRequest& request,
                                                v1::GetOpportunityResponse& response) {
  absl::StatusOr<OpportunityId> id = ParseOpportunityName("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredOpportunity>> stored =
      repository_.GetOpportunity(call.deadline, id->id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value() || (*stored)->customer_id != id->customer_id) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_opportunity() = std::move((*stored)->opportunity);
  return absl::OkStatus();
}

absl::Status OpportunityService::ListOpportunities(const common::CallContext& call,
                                                   const v1::ListOpportunitiesRequest& request,
                                                   v1::ListOpportunitiesResponse& response) {
  OpportunityListQuery query;
  if (request.parent() != "customers/-") {
    absl::StatusOr<int64_t> id = ParseCustomerListParent(request.parent());
    if (!id.ok()) return id.status();
    absl::StatusOr<CustomerPresence> presence = repository_.GetCustomerPresence(call.deadline, *id);
    if (!presence.ok()) return presence.status();
    if (*presence == CustomerPresence::kMissing) {
      return absl::NotFoundError(absl::StrFormat("%s does not exist", request.parent()));
    }
    query.customer_id = *id;
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<OpportunityCondition>> conditions =
      ParseOpportunityFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  if (absl::Status s = ParseOpportunityOrder(request.order_by(), query.order, query.descending);
      !s.ok()) {
    return s;
  }
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListOpportunities", request.parent(), request.filter(),
                                    request.order_by(), request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    OpportunityCursor after;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id)) {
      return InvalidPageToken();
    }
    switch (query.order) {
      case OpportunityOrder::kAmount: {
        int64_t amount = 0;
        if (!absl::SimpleAtoi(cursor->keys[0], &amount)) return InvalidPageToken();
        after.sort_value = amount;
        break;
      }
      case OpportunityOrder::kExpectedCloseDate:
        if (!common::ParseIsoDate(cursor->keys[0]).ok()) return InvalidPageToken();
        after.sort_value = cursor->keys[0];
        break;
      case OpportunityOrder::kCreateTime:
        if (!common::ParseMysqlDatetime(cursor->keys[0]).ok()) return InvalidPageToken();
        after.sort_value = cursor->keys[0];
        break;
    }
    query.after = std::move(after);
  }
  absl::StatusOr<std::vector<StoredOpportunity>> rows =
      repository_.ListOpportunities(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (const StoredOpportunity& row : *rows) *response.add_opportunities() = row.opportunity;
  if (more) {
    const StoredOpportunity& last = rows->back();
    std::string sort_value;
    switch (query.order) {
      case OpportunityOrder::kAmount:
        sort_value = std::to_string(last.opportunity.amount().amount_minor());
        break;
      case OpportunityOrder::kExpectedCloseDate:
        sort_value = CloseDateText(last.opportunity);
        break;
      case OpportunityOrder::kCreateTime:
        sort_value =
            common::FormatMysqlDatetime(common::FromProtoTimestamp(last.opportunity.create_time()));
        break;
    }
    common::PageCursor next{{sort_value, std::to_string(last.id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status OpportunityService::CreateOpportunity(const common::CallContext& call,
                                                   const v1::CreateOpportunityRequest& request,
                                                   v1::CreateOpportunityResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("parent", request.parent(), kCustomers);
  if (!customer_id.ok()) return customer_id.status();
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::Opportunity opportunity = request.opportunity();
  if (absl::Status s = PrepareNewOpportunity(opportunity, "opportunity."); !s.ok()) return s;
  const absl::Time now = Now();
  v1::CreateOpportunityRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.OpportunityService/CreateOpportunity", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](OpportunityStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<v1::Opportunity> created = InsertNewOpportunity(
            store, call, *customer_id, opportunity, "opportunity.", request.request_id(), now);
        if (!created.ok()) return created.status();
        v1::CreateOpportunityResponse result;
        *result.mutable_opportunity() = *std::move(created);
        return result.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreateOpportunity", response);
}

absl::Status OpportunityService::UpdateOpportunity(const common::CallContext& call,
                                                   const v1::UpdateOpportunityRequest& request,
                                                   v1::UpdateOpportunityResponse& response) {
  const std::string& name = request.opportunity().name();
  absl::StatusOr<OpportunityId> id = ParseOpportunityName("opportunity.name", name);
  if (!id.ok()) return id.status();
  if (absl::Status s = ValidateOpportunityUpdateMask(request.update_mask()); !s.ok()) return s;
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OpportunityStore& store) -> absl::Status {
    absl::StatusOr<StoredOpportunity> stored =
        LockLiveOpportunity(store, *id, name, request.opportunity().etag(), "opportunity.etag");
    if (!stored.ok()) return stored.status();
    v1::Opportunity updated = stored->opportunity;
    if (absl::Status s = common::ApplyUpdateMask(request.opportunity(), request.update_mask(),
                                                 OpportunityUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = NormalizeOpportunity(updated, "opportunity."); !s.ok()) return s;
    const bool lost = updated.state() == v1::OPPORTUNITY_STATE_LOST;
    if (lost &&
        !common::ValidateRequiredText("", updated.lost_reason(), kMaxLostReasonChars).ok()) {
      return absl::InvalidArgumentError(
          "opportunity.lost_reason: required while the opportunity is LOST");
    }
    if (!lost && !updated.lost_reason().empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("opportunity.lost_reason: only a LOST opportunity has one; %s is %s",
                          name, StateName(updated.state())));
    }
    SetWeightedAmount(updated);
    if (common::DiffMessages(stored->opportunity, updated).empty()) {
      *response.mutable_opportunity() = std::move(stored->opportunity);
      return absl::OkStatus();
    }
    absl::StatusOr<StoredOpportunity> result = StoreOpportunityChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_opportunity() = std::move(result->opportunity);
    return absl::OkStatus();
  });
}

absl::Status OpportunityService::DeleteOpportunity(const common::CallContext& call,
                                                   const v1::DeleteOpportunityRequest& request,
                                                   v1::DeleteOpportunityResponse& response) {
  absl::StatusOr<OpportunityId> id = ParseOpportunityName("name", request.name());
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OpportunityStore& store) -> absl::Status {
    absl::StatusOr<StoredOpportunity> stored =
        LockLiveOpportunity(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    v1::Opportunity updated = stored->opportunity;
    *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredOpportunity> result = StoreOpportunityChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_DELETE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_opportunity() = std::move(result->opportunity);
    return absl::OkStatus();
  });
}

absl::Status OpportunityService::UndeleteOpportunity(const common::CallContext& call,
                                                     const v1::UndeleteOpportunityRequest& request,
                                                     v1::UndeleteOpportunityResponse& response) {
  absl::StatusOr<OpportunityId> id = ParseOpportunityName("name", request.name());
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OpportunityStore& store) -> absl::Status {
    absl::StatusOr<StoredOpportunity> stored = LockExistingOpportunity(store, *id, request.name());
    if (!stored.ok()) return stored.status();
    if (absl::Status s = common::RequireDeletedAtVersion(
            stored->opportunity.has_delete_time(), request.name(), request.etag(), stored->version);
        !s.ok()) {
      return s;
    }
    if (stored->opportunity.state() == v1::OPPORTUNITY_STATE_OPEN) {
      // An open opportunity needs its stage back first (a stage is deleted only when empty).
      absl::StatusOr<StoredStage> stage =
          LockTargetStage(store, "pipeline_stage", stored->opportunity.pipeline_stage());
      if (!stage.ok() && stage.status().code() != absl::StatusCode::kFailedPrecondition) {
        return stage.status();
      }
      if (!stage.ok()) {
        return absl::FailedPreconditionError(
            absl::StrFormat("%s is open in %s, which is deleted; undelete the stage first",
                            request.name(), stored->opportunity.pipeline_stage()));
      }
    }
    v1::Opportunity updated = stored->opportunity;
    updated.clear_delete_time();
    absl::StatusOr<StoredOpportunity> result = StoreOpportunityChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UNDELETE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_opportunity() = std::move(result->opportunity);
    return absl::OkStatus();
  });
}

absl::Status OpportunityService::MoveOpportunityStage(
    const common::CallContext& call, const v1::MoveOpportunityStageRequest& request,
    v1::MoveOpportunityStageResponse& response) {
  absl::StatusOr<OpportunityId> id = ParseOpportunityName("name", request.name());
  if (!id.ok()) return id.status();
  if (absl::Status s =
          common::ParseResourceId("pipeline_stage", request.pipeline_stage(), kStages).status();
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          common::ValidateLength("lost_reason", request.lost_reason(), 0, kMaxLostReasonChars);
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](OpportunityStore& store) -> absl::Status {
    absl::StatusOr<StoredOpportunity> stored =
        LockLiveOpportunity(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    absl::StatusOr<int64_t> stage_id =
        common::ParseResourceId("pipeline_stage", request.pipeline_stage(), kStages);
    absl::StatusOr<std::optional<StoredStage>> target = store.LockStage(*stage_id);
    if (!target.ok()) return target.status();
    if (!target->has_value()) {
      return absl::NotFoundError(
          absl::StrFormat("pipeline_stage: %s does not exist", request.pipeline_stage()));
    }
    const v1::PipelineStage& stage = (*target)->stage;
    if (absl::Status s = CheckMove(stored->opportunity, stage, request.lost_reason()); !s.ok()) {
      return s;
    }
    v1::Opportunity updated = stored->opportunity;
    ApplyMove(updated, stage, request.lost_reason(), common::ToProtoTimestamp(now));
    absl::StatusOr<StoredOpportunity> result = StoreOpportunityChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_STATE_CHANGE,
        request.lost_reason(), now);
    if (!result.ok()) return result.status();
    *response.mutable_opportunity() = std::move(result->opportunity);
    return absl::OkStatus();
  });
}

absl::Status OpportunityService::GetForecast(const common::CallContext& call,
                                             const v1::GetForecastRequest& request,
                                             v1::GetForecastResponse& response) {
  ForecastQuery query;
  std::optional<common::CalendarDate> start;
  std::optional<common::CalendarDate> end;
  if (request.has_close_date_start()) {
    start = common::FromDateMessage(request.close_date_start());
    if (absl::Status s = common::ValidateCalendarDate("close_date_start", *start); !s.ok()) {
      return s;
    }
    query.close_date_start = common::FormatIsoDate(*start);
  }
  if (request.has_close_date_end()) {
    end = common::FromDateMessage(request.close_date_end());
    if (absl::Status s = common::ValidateCalendarDate("close_date_end", *end); !s.ok()) return s;
    query.close_date_end = common::FormatIsoDate(*end);
  }
  if (start.has_value() && end.has_value() && *end < *start) {
    return absl::InvalidArgumentError("close_date_end: must not be before close_date_start");
  }
  if (absl::Status s =
          common::ValidateEnum("group_by", request.group_by(), *v1::ForecastGrouping_descriptor(),
                               /*allow_unspecified=*/true);
      !s.ok()) {
    return s;
  }
  query.group_by = request.group_by() == v1::FORECAST_GROUPING_UNSPECIFIED
                       ? v1::FORECAST_GROUPING_STAGE
                       : request.group_by();
  absl::StatusOr<std::vector<OpportunityCondition>> conditions =
      ParseOpportunityFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  absl::StatusOr<std::vector<v1::ForecastBucket>> buckets =
      repository_.ComputeForecast(call.deadline, query);
  if (!buckets.ok()) return buckets.status();
  std::map<std::string, std::pair<int64_t, int64_t>> totals;  // currency → (amount, weighted)
  for (v1::ForecastBucket& bucket : *buckets) {
    std::pair<int64_t, int64_t>& total = totals[bucket.amount().currency_code()];
    total.first += bucket.amount().amount_minor();
    total.second += bucket.weighted_amount().amount_minor();
    *response.add_buckets() = std::move(bucket);
  }
  for (const auto& [currency, total] : totals) {
    crm::common::v1::Money* amount = response.add_total_amounts();
    amount->set_currency_code(currency);
    amount->set_amount_minor(total.first);
    crm::common::v1::Money* weighted = response.add_total_weighted_amounts();
    weighted->set_currency_code(currency);
    weighted->set_amount_minor(total.second);
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
