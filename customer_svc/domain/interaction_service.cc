#include "customer_svc/domain/interaction_service.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
#include "common/api/order_by.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/resource_state.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "common/audit/record_audit.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;
using Kind = common::FilterValueKind;

constexpr std::string_view kCustomers = "customers";
constexpr std::string_view kCreateMethod = "crm.customer.v1.InteractionService/CreateInteraction";
constexpr std::string_view kInteractionCollections[] = {"customers", "interactions"};

struct InteractionName {
  int64_t customer_id = 0;
  int64_t id = 0;
};

absl::StatusOr<InteractionName> ParseInteractionName(std::string_view field,
                                                     std::string_view name) {
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseNestedResourceName(field, name, kInteractionCollections);
  if (!ids.ok()) return ids.status();
  return InteractionName{(*ids)[0], (*ids)[1]};
}

const absl::flat_hash_set<std::string>& UpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "channel",    "direction", "subject",      "summary",           "sentiment",
      "occur_time", "employee",  "participants", "related_resources",
  };
  return *paths;
}

const std::vector<common::FilterField<InteractionColumn>>& FilterFields() {
  static const auto* const fields = new std::vector<common::FilterField<InteractionColumn>>{
      {"channel", InteractionColumn::kChannel, Kind::kEnum, v1::InteractionChannel_descriptor()},
      {"direction", InteractionColumn::kDirection, Kind::kEnum,
       v1::InteractionDirection_descriptor()},
      {"sentiment", InteractionColumn::kSentiment, Kind::kEnum, v1::Sentiment_descriptor()},
      {"employee", InteractionColumn::kEmployee, Kind::kExact},
      {"occur_time", InteractionColumn::kOccurTime, Kind::kTime},
      {"create_time", InteractionColumn::kCreateTime, Kind::kTime},
      {"related_resources", InteractionColumn::kRelatedResource, Kind::kText},
  };
  return *fields;
}

// Output-only fields are ignored on input (AIP-203).
void ClearOutputOnly(v1::Interaction& interaction) {
  interaction.clear_name();
  interaction.clear_etag();
  interaction.clear_create_time();
  interaction.clear_update_time();
  interaction.clear_delete_time();
}

// The interaction (deleted or not), locked; NOT_FOUND naming it when there is none.
absl::StatusOr<StoredInteraction> LockExisting(InteractionStore& store, const InteractionName& id,
                                               std::string_view name) {
  return common::RequireFound(store.LockInteraction(id.customer_id, id.id), name);
}

// A live interaction, locked, whose etag matches `etag` (when given).
absl::StatusOr<StoredInteraction> LockLiveForChange(InteractionStore& store,
                                                    const InteractionName& id,
                                                    std::string_view name, std::string_view etag,
                                                    std::string_view etag_field) {
  absl::StatusOr<StoredInteraction> stored = LockExisting(store, id, name);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = common::RequireLiveAtVersion(stored->interaction.has_delete_time(), name,
                                                    etag, stored->version, etag_field);
      !s.ok()) {
    return s;
  }
  return stored;
}

// The customer `customer_id` must exist (NOT_FOUND) and be live (FAILED_PRECONDITION).
absl::Status CheckLiveParent(const std::optional<ParentCustomer>& parent,
                             std::string_view parent_name) {
  if (!parent.has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", std::string(parent_name)));
  }
  if (parent->deleted) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s is deleted; undelete it before recording interactions", std::string(parent_name)));
  }
  return absl::OkStatus();
}

// Writes `updated` over `stored` with an audit entry of the differences.
absl::StatusOr<StoredInteraction> StoreChange(InteractionStore& store,
                                              const common::CallContext& call,
                                              const StoredInteraction& stored,
                                              v1::Interaction updated, AuditAction action,
                                              absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes =
      common::DiffMessages(stored.interaction, updated);
  absl::StatusOr<StoredInteraction> result =
      store.UpdateInteraction(stored.customer_id, stored.id, updated, stored.version);
  if (!result.ok()) return result.status();
  absl::Status audited = store.InsertAuditEntry(common::MakeAuditEntry(
      call, result->interaction.name(), action, std::move(changes), "", now));
  if (!audited.ok()) return audited;
  return result;
}

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

}  // namespace

absl::Status ValidateInteraction(const v1::Interaction& interaction) {
  common::Validator v;
  v.Check(common::ValidateEnum("interaction.channel", interaction.channel(),
                               *v1::InteractionChannel_descriptor()));
  v.Check(common::ValidateEnum("interaction.direction", interaction.direction(),
                               *v1::InteractionDirection_descriptor(),
                               /*allow_unspecified=*/true));
  if (v.ok() && interaction.channel() == v1::INTERACTION_CHANNEL_NOTE &&
      interaction.direction() != v1::INTERACTION_DIRECTION_UNSPECIFIED) {
    v.Check(absl::InvalidArgumentError(
        "interaction.direction: must be unset for a note (notes have no direction)"));
  }
  v.Check(common::ValidateRequiredText("interaction.subject", interaction.subject(),
                                       kMaxInteractionSubjectChars));
  v.Check(common::ValidateLength("interaction.summary", interaction.summary(), 0,
                                 kMaxInteractionSummaryChars));
  v.Check(common::ValidateEnum("interaction.sentiment", interaction.sentiment(),
                               *v1::Sentiment_descriptor(), /*allow_unspecified=*/true));
  if (interaction.has_occur_time()) {
    v.Check(common::ValidateTimestamp("interaction.occur_time", interaction.occur_time()));
  }
  v.Check(ValidateOptionalEmployee("interaction.employee", interaction.employee()));
  if (interaction.participants_size() > kMaxInteractionParticipants) {
    v.Check(absl::InvalidArgumentError(
        absl::StrFormat("interaction.participants: at most %d allowed (got %d)",
                        kMaxInteractionParticipants, interaction.participants_size())));
  }
  for (int i = 0; v.ok() && i < interaction.participants_size(); ++i) {
    v.Check(common::ValidateRequiredText(absl::StrFormat("interaction.participants[%d]", i),
                                         interaction.participants(i), kMaxParticipantChars));
  }
  if (interaction.related_resources_size() > kMaxRelatedResources) {
    v.Check(absl::InvalidArgumentError(
        absl::StrFormat("interaction.related_resources: at most %d allowed (got %d)",
                        kMaxRelatedResources, interaction.related_resources_size())));
  }
  for (int i = 0; v.ok() && i < interaction.related_resources_size(); ++i) {
    v.Check(ValidateResourceReference(absl::StrFormat("interaction.related_resources[%d]", i),
                                      interaction.related_resources(i)));
  }
  return v.status();
}

absl::StatusOr<std::vector<InteractionCondition>> ParseInteractionFilter(std::string_view filter) {
  return common::ResolveFilter<InteractionColumn>(filter, FilterFields());
}

InteractionService::InteractionService(InteractionRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time InteractionService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status InteractionService::GetInteraction(const common::CallContext& call,
                                                const v1::GetInteractionRequest& request,
                                                v1::GetInteractionResponse& response) {
  absl::StatusOr<InteractionName> id = ParseInteractionName("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredInteraction>> stored =
      repository_.GetInteraction(call.deadline, id->customer_id, id->id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_interaction() = std::move((*stored)->interaction);
  return absl::OkStatus();
}

absl::Status InteractionService::ListInteractions(const common::CallContext& call,
                                                  const v1::ListInteractionsRequest& request,
                                                  v1::ListInteractionsResponse& response) {
  InteractionListQuery query;
  if (request.parent() != "customers/-") {
    absl::StatusOr<int64_t> customer_id = ParseCustomerListParent(request.parent());
    if (!customer_id.ok()) return customer_id.status();
    query.customer_id = *customer_id;
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<InteractionCondition>> conditions =
      ParseInteractionFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  size_t order_index = 0;  // occur_time desc unless order_by says otherwise
  query.descending = true;
  if (absl::Status s = common::ParseOrderByInto(request.order_by(), {"occur_time", "create_time"},
                                          order_index, query.descending);
      !s.ok()) {
    return s;
  }
  query.order = order_index == 0 ? InteractionOrder::kOccurTime : InteractionOrder::kCreateTime;
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;  // one more tells whether a next page exists

  const std::string fingerprint =
      common::PageQueryFingerprint({"ListInteractions", request.parent(), request.filter(),
                                    request.order_by(), request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    InteractionCursor after;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id) ||
        !common::ParseMysqlDatetime(cursor->keys[0]).ok()) {
      return InvalidPageToken();
    }
    after.sort_value = cursor->keys[0];
    query.after = std::move(after);
  }

  if (query.customer_id.has_value()) {
    absl::StatusOr<std::optional<ParentCustomer>> parent =
        repository_.GetParentCustomer(call.deadline, *query.customer_id);
    if (!parent.ok()) return parent.status();
    if (!parent->has_value()) {
      return absl::NotFoundError(absl::StrFormat("%s does not exist", request.parent()));
    }
  }
  absl::StatusOr<std::vector<StoredInteraction>> rows =
      repository_.ListInteractions(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  if (more) {
    const StoredInteraction& last = rows->back();
    const google::protobuf::Timestamp& sort_time = query.order == InteractionOrder::kOccurTime
                                                       ? last.interaction.occur_time()
                                                       : last.interaction.create_time();
    common::PageCursor next{{common::FormatMysqlDatetime(common::FromProtoTimestamp(sort_time)),
                             std::to_string(last.id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  for (StoredInteraction& row : *rows) *response.add_interactions() = std::move(row.interaction);
  return absl::OkStatus();
}

absl::Status InteractionService::CreateInteraction(const common::CallContext& call,
                                                   const v1::CreateInteractionRequest& request,
                                                   v1::CreateInteractionResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("parent", request.parent(), kCustomers);
  if (!customer_id.ok()) return customer_id.status();
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::Interaction interaction = request.interaction();
  ClearOutputOnly(interaction);
  if (absl::Status s = ValidateInteraction(interaction); !s.ok()) return s;
  const absl::Time now = Now();
  const google::protobuf::Timestamp now_proto = common::ToProtoTimestamp(now);
  if (!interaction.has_occur_time()) *interaction.mutable_occur_time() = now_proto;
  *interaction.mutable_create_time() = now_proto;
  *interaction.mutable_update_time() = now_proto;

  v1::CreateInteractionRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, kCreateMethod, request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](InteractionStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<std::optional<ParentCustomer>> parent =
            store.LockParentCustomer(*customer_id);
        if (!parent.ok()) return parent.status();
        if (absl::Status s = CheckLiveParent(*parent, request.parent()); !s.ok()) return s;
        absl::StatusOr<StoredInteraction> stored =
            store.InsertInteraction(*customer_id, interaction);
        if (!stored.ok()) return stored.status();
        if (absl::Status s = common::RecordAudit(
                store, call, stored->interaction.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                common::DiffFromEmpty(stored->interaction), now, "", request.request_id());
            !s.ok()) {
          return s;
        }
        v1::CreateInteractionResponse created;
        *created.mutable_interaction() = std::move(stored->interaction);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreateInteraction", response);
}

absl::Status InteractionService::UpdateInteraction(const common::CallContext& call,
                                                   const v1::UpdateInteractionRequest& request,
                                                   v1::UpdateInteractionResponse& response) {
  const std::string& name = request.interaction().name();
  absl::StatusOr<InteractionName> id = ParseInteractionName("interaction.name", name);
  if (!id.ok()) return id.status();
  if (absl::Status s = common::ValidateUpdateMask(request.update_mask(),
                                                  *v1::Interaction::descriptor(), UpdatablePaths());
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](InteractionStore& store) -> absl::Status {
    absl::StatusOr<StoredInteraction> stored =
        LockLiveForChange(store, *id, name, request.interaction().etag(), "interaction.etag");
    if (!stored.ok()) return stored.status();
    v1::Interaction updated = stored->interaction;
    if (absl::Status s = common::ApplyUpdateMask(request.interaction(), request.update_mask(),
                                                 UpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    // A cleared occur_time keeps the time it had: an interaction always happened at some time.
    if (!updated.has_occur_time()) *updated.mutable_occur_time() = stored->interaction.occur_time();
    if (absl::Status s = ValidateInteraction(updated); !s.ok()) return s;
    if (common::DiffMessages(stored->interaction, updated).empty()) {
      *response.mutable_interaction() = std::move(stored->interaction);
      return absl::OkStatus();
    }
    absl::StatusOr<StoredInteraction> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, now);
    if (!result.ok()) return result.status();
    *response.mutable_interaction() = std::move(result->interaction);
    return absl::OkStatus();
  });
}

absl::Status InteractionService::DeleteInteraction(const common::CallContext& call,
                                                   const v1::DeleteInteractionRequest& request,
                                                   v1::DeleteInteractionResponse& response) {
  absl::StatusOr<InteractionName> id = ParseInteractionName("name", request.name());
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](InteractionStore& store) -> absl::Status {
    absl::StatusOr<StoredInteraction> stored =
        LockLiveForChange(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    v1::Interaction updated = stored->interaction;
    *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredInteraction> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_DELETE, now);
    if (!result.ok()) return result.status();
    *response.mutable_interaction() = std::move(result->interaction);
    return absl::OkStatus();
  });
}

absl::Status InteractionService::UndeleteInteraction(const common::CallContext& call,
                                                     const v1::UndeleteInteractionRequest& request,
                                                     v1::UndeleteInteractionResponse& response) {
  absl::StatusOr<InteractionName> id = ParseInteractionName("name", request.name());
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](InteractionStore& store) -> absl::Status {
    absl::StatusOr<StoredInteraction> stored = LockExisting(store, *id, request.name());
    if (!stored.ok()) return stored.status();
    if (absl::Status s = common::RequireDeletedAtVersion(
            stored->interaction.has_delete_time(), request.name(), request.etag(), stored->version);
        !s.ok()) {
      return s;
    }
    v1::Interaction updated = stored->interaction;
    updated.clear_delete_time();
    absl::StatusOr<StoredInteraction> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UNDELETE, now);
    if (!result.ok()) return result.status();
    *response.mutable_interaction() = std::move(result->interaction);
    return absl::OkStatus();
  });
}

}  // namespace crm::customer
