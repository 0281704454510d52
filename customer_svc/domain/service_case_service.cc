#include "customer_svc/domain/service_case_service.h"

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
#include "customer_svc/domain/service_case_rules.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;
using Kind = common::FilterValueKind;

constexpr std::string_view kCustomers = "customers";
constexpr std::string_view kCreateMethod = "crm.customer.v1.ServiceCaseService/CreateServiceCase";
constexpr std::string_view kCaseCollections[] = {"customers", "serviceCases"};

struct CaseName {
  int64_t customer_id = 0;
  int64_t id = 0;
};

absl::StatusOr<CaseName> ParseCaseName(std::string_view field, std::string_view name) {
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseNestedResourceName(field, name, kCaseCollections);
  if (!ids.ok()) return ids.status();
  return CaseName{(*ids)[0], (*ids)[1]};
}

// Paths UpdateServiceCase may change; the rest have their own RPC or are output only.
const absl::flat_hash_set<std::string>& UpdatablePaths() {
  static const auto* const paths =
      new absl::flat_hash_set<std::string>{"subject", "description", "priority", "assignee"};
  return *paths;
}

const std::vector<common::FilterField<ServiceCaseColumn>>& FilterFields() {
  static const auto* const fields = new std::vector<common::FilterField<ServiceCaseColumn>>{
      {"status", ServiceCaseColumn::kStatus, Kind::kEnum, v1::CaseStatus_descriptor()},
      {"priority", ServiceCaseColumn::kPriority, Kind::kEnum, v1::CasePriority_descriptor()},
      {"assignee", ServiceCaseColumn::kAssignee, Kind::kExact},
      {"sla_breached", ServiceCaseColumn::kSlaBreached, Kind::kBool},
      {"sla_due_time", ServiceCaseColumn::kSlaDueTime, Kind::kTime},
      {"create_time", ServiceCaseColumn::kCreateTime, Kind::kTime},
  };
  return *fields;
}

// What a caller may set on create: subject, description, priority, assignee.
v1::ServiceCase SettableFields(const v1::ServiceCase& input) {
  v1::ServiceCase service_case;
  service_case.set_subject(input.subject());
  service_case.set_description(input.description());
  service_case.set_priority(input.priority());
  service_case.set_assignee(input.assignee());
  return service_case;
}

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

absl::StatusOr<StoredServiceCase> LockExisting(ServiceCaseStore& store, const CaseName& id,
                                               std::string_view name) {
  return common::RequireFound(store.LockServiceCase(id.customer_id, id.id), name);
}

absl::Status ValidateOptionalReason(std::string_view field, std::string_view reason) {
  return common::ValidateLength(field, reason, 0, kMaxCaseReasonChars);
}

// A status move of `name`: legal from its current status, or FAILED_PRECONDITION.
absl::Status MoveTo(std::string_view name, v1::ServiceCase& service_case, v1::CaseStatus to) {
  if (absl::Status s = CheckCaseTransition(name, service_case.status(), to); !s.ok()) return s;
  service_case.set_status(to);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<ServiceCaseCondition>> ParseServiceCaseFilter(std::string_view filter) {
  return common::ResolveFilter<ServiceCaseColumn>(filter, FilterFields());
}

ServiceCaseService::ServiceCaseService(ServiceCaseRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time ServiceCaseService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status ServiceCaseService::ChangeCase(
    const common::CallContext& call, std::string_view name, std::string_view etag,
    std::string_view etag_field, AuditAction action, std::string_view reason,
    absl::FunctionRef<absl::Status(ServiceCaseStore&, const StoredServiceCase&, v1::ServiceCase&)>
        change,
    v1::ServiceCase& result) {
  absl::StatusOr<CaseName> id = ParseCaseName("name", name);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](ServiceCaseStore& store) -> absl::Status {
    absl::StatusOr<StoredServiceCase> stored = LockExisting(store, *id, name);
    if (!stored.ok()) return stored.status();
    if (absl::Status s = common::RequireLiveAtVersion(stored->service_case.has_delete_time(), name,
                                                      etag, stored->version, etag_field);
        !s.ok()) {
      return s;
    }
    v1::ServiceCase updated = stored->service_case;
    if (absl::Status s = change(store, *stored, updated); !s.ok()) return s;
    std::vector<crm::common::v1::FieldChange> changes =
        common::DiffMessages(stored->service_case, updated);
    if (changes.empty()) {  // nothing to write: the case as it is
      result = std::move(stored->service_case);
      result.set_sla_breached(IsSlaBreached(result, now));
      return absl::OkStatus();
    }
    *updated.mutable_update_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredServiceCase> written =
        store.UpdateServiceCase(stored->customer_id, stored->id, updated, stored->version);
    if (!written.ok()) return written.status();
    if (absl::Status s = store.InsertAuditEntry(
            common::MakeAuditEntry(call, name, action, std::move(changes), reason, now));
        !s.ok()) {
      return s;
    }
    result = std::move(written->service_case);
    result.set_sla_breached(IsSlaBreached(result, now));
    return absl::OkStatus();
  });
}

absl::Status ServiceCaseService::GetServiceCase(const common::CallContext& call,
                                                const v1::GetServiceCaseRequest& request,
                                                v1::GetServiceCaseResponse& response) {
  absl::StatusOr<CaseName> id = ParseCaseName("name", request.name());
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredServiceCase>> stored =
      repository_.GetServiceCase(call.deadline, id->customer_id, id->id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  v1::ServiceCase& service_case = *response.mutable_service_case();
  service_case = std::move((*stored)->service_case);
  service_case.set_sla_breached(IsSlaBreached(service_case, Now()));
  return absl::OkStatus();
}

absl::Status ServiceCaseService::ListServiceCases(const common::CallContext& call,
                                                  const v1::ListServiceCasesRequest& request,
                                                  v1::ListServiceCasesResponse& response) {
  ServiceCaseListQuery query;
  if (request.parent() != "customers/-") {
    absl::StatusOr<int64_t> customer_id = ParseCustomerListParent(request.parent());
    if (!customer_id.ok()) return customer_id.status();
    query.customer_id = *customer_id;
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<ServiceCaseCondition>> conditions =
      ParseServiceCaseFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  constexpr ServiceCaseOrder kOrders[] = {
      ServiceCaseOrder::kCreateTime, ServiceCaseOrder::kSlaDueTime, ServiceCaseOrder::kPriority};
  size_t order_index = 0;  // create_time desc unless order_by says otherwise
  query.descending = true;
  if (absl::Status s =
          common::ParseOrderByInto(request.order_by(), {"create_time", "sla_due_time", "priority"},
                             order_index, query.descending);
      !s.ok()) {
    return s;
  }
  query.order = kOrders[order_index];
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;  // one more tells whether a next page exists
  const absl::Time now = Now();
  query.now = now;

  const std::string fingerprint =
      common::PageQueryFingerprint({"ListServiceCases", request.parent(), request.filter(),
                                    request.order_by(), request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    ServiceCaseCursor after;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id)) {
      return InvalidPageToken();
    }
    if (query.order == ServiceCaseOrder::kPriority) {
      int64_t priority = 0;
      if (!absl::SimpleAtoi(cursor->keys[0], &priority)) return InvalidPageToken();
      after.sort_value = priority;
    } else {
      if (!common::ParseMysqlDatetime(cursor->keys[0]).ok()) return InvalidPageToken();
      after.sort_value = cursor->keys[0];
    }
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
  absl::StatusOr<std::vector<StoredServiceCase>> rows =
      repository_.ListServiceCases(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  if (more) {
    const StoredServiceCase& last = rows->back();
    std::string sort_value;
    switch (query.order) {
      case ServiceCaseOrder::kPriority:
        sort_value = std::to_string(last.service_case.priority());
        break;
      case ServiceCaseOrder::kSlaDueTime:
        sort_value = common::FormatMysqlDatetime(
            common::FromProtoTimestamp(last.service_case.sla_due_time()));
        break;
      case ServiceCaseOrder::kCreateTime:
        sort_value = common::FormatMysqlDatetime(
            common::FromProtoTimestamp(last.service_case.create_time()));
        break;
    }
    common::PageCursor next{{sort_value, std::to_string(last.id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  for (StoredServiceCase& row : *rows) {
    v1::ServiceCase& service_case = *response.add_service_cases();
    service_case = std::move(row.service_case);
    service_case.set_sla_breached(IsSlaBreached(service_case, now));
  }
  return absl::OkStatus();
}

absl::Status ServiceCaseService::CreateServiceCase(const common::CallContext& call,
                                                   const v1::CreateServiceCaseRequest& request,
                                                   v1::CreateServiceCaseResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("parent", request.parent(), kCustomers);
  if (!customer_id.ok()) return customer_id.status();
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::ServiceCase service_case = SettableFields(request.service_case());
  if (absl::Status s = ValidateServiceCase(service_case); !s.ok()) return s;
  const absl::Time now = Now();
  const google::protobuf::Timestamp now_proto = common::ToProtoTimestamp(now);
  service_case.set_status(v1::CASE_STATUS_OPEN);
  *service_case.mutable_create_time() = now_proto;
  *service_case.mutable_update_time() = now_proto;

  v1::CreateServiceCaseRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, kCreateMethod, request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](ServiceCaseStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<std::optional<ParentCustomer>> parent =
            store.LockParentCustomer(*customer_id);
        if (!parent.ok()) return parent.status();
        if (!parent->has_value()) {
          return absl::NotFoundError(absl::StrFormat("%s does not exist", request.parent()));
        }
        if ((*parent)->deleted) {
          return absl::FailedPreconditionError(
              absl::StrFormat("%s is deleted; undelete it before opening cases", request.parent()));
        }
        const ServiceLevel& level = TierServiceLevel((*parent)->tier);
        v1::ServiceCase opened = service_case;
        if (opened.priority() == v1::CASE_PRIORITY_UNSPECIFIED) {
          opened.set_priority(level.default_priority);
        }
        *opened.mutable_sla_due_time() = common::ToProtoTimestamp(now + level.resolve_within);
        absl::StatusOr<StoredServiceCase> stored = store.InsertServiceCase(*customer_id, opened);
        if (!stored.ok()) return stored.status();
        if (absl::Status s = common::RecordAudit(
                store, call, stored->service_case.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                common::DiffFromEmpty(stored->service_case), now, "", request.request_id());
            !s.ok()) {
          return s;
        }
        v1::CreateServiceCaseResponse created;
        *created.mutable_service_case() = std::move(stored->service_case);
        created.mutable_service_case()->set_sla_breached(
            IsSlaBreached(created.service_case(), now));
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreateServiceCase", response);
}

absl::Status ServiceCaseService::UpdateServiceCase(const common::CallContext& call,
                                                   const v1::UpdateServiceCaseRequest& request,
                                                   v1::UpdateServiceCaseResponse& response) {
  const v1::ServiceCase& patch = request.service_case();
  if (absl::Status s = ParseCaseName("service_case.name", patch.name()).status(); !s.ok()) {
    return s;
  }
  if (absl::Status s = common::ValidateUpdateMask(request.update_mask(),
                                                  *v1::ServiceCase::descriptor(), UpdatablePaths());
      !s.ok()) {
    return s;
  }
  return ChangeCase(
      call, patch.name(), patch.etag(), "service_case.etag", crm::common::v1::AUDIT_ACTION_UPDATE,
      "",
      [&](ServiceCaseStore&, const StoredServiceCase& stored,
          v1::ServiceCase& updated) -> absl::Status {
        if (stored.service_case.status() == v1::CASE_STATUS_CLOSED) {
          return absl::FailedPreconditionError(
              absl::StrFormat("%s is CLOSED; a closed case cannot be changed", patch.name()));
        }
        if (absl::Status s =
                common::ApplyUpdateMask(patch, request.update_mask(), UpdatablePaths(), &updated);
            !s.ok()) {
          return s;
        }
        if (absl::Status s = ValidateServiceCase(updated); !s.ok()) return s;
        if (updated.priority() == v1::CASE_PRIORITY_UNSPECIFIED) {
          return absl::InvalidArgumentError("service_case.priority: must be set");
        }
        return absl::OkStatus();
      },
      *response.mutable_service_case());
}

absl::Status ServiceCaseService::DeleteServiceCase(const common::CallContext& call,
                                                   const v1::DeleteServiceCaseRequest& request,
                                                   v1::DeleteServiceCaseResponse& response) {
  const absl::Time now = Now();
  return ChangeCase(
      call, request.name(), request.etag(), "etag", crm::common::v1::AUDIT_ACTION_DELETE, "",
      [&](ServiceCaseStore&, const StoredServiceCase&, v1::ServiceCase& updated) {
        *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
        return absl::OkStatus();
      },
      *response.mutable_service_case());
}

absl::Status ServiceCaseService::UndeleteServiceCase(const common::CallContext& call,
                                                     const v1::UndeleteServiceCaseRequest& request,
                                                     v1::UndeleteServiceCaseResponse& response) {
  absl::StatusOr<CaseName> id = ParseCaseName("name", request.name());
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](ServiceCaseStore& store) -> absl::Status {
    absl::StatusOr<StoredServiceCase> stored = LockExisting(store, *id, request.name());
    if (!stored.ok()) return stored.status();
    if (absl::Status s =
            common::RequireDeletedAtVersion(stored->service_case.has_delete_time(), request.name(),
                                            request.etag(), stored->version);
        !s.ok()) {
      return s;
    }
    v1::ServiceCase updated = stored->service_case;
    updated.clear_delete_time();
    *updated.mutable_update_time() = common::ToProtoTimestamp(now);
    std::vector<crm::common::v1::FieldChange> changes =
        common::DiffMessages(stored->service_case, updated);
    absl::StatusOr<StoredServiceCase> written =
        store.UpdateServiceCase(stored->customer_id, stored->id, updated, stored->version);
    if (!written.ok()) return written.status();
    if (absl::Status s = store.InsertAuditEntry(
            common::MakeAuditEntry(call, request.name(), crm::common::v1::AUDIT_ACTION_UNDELETE,
                                   std::move(changes), "", now));
        !s.ok()) {
      return s;
    }
    v1::ServiceCase& result = *response.mutable_service_case();
    result = std::move(written->service_case);
    result.set_sla_breached(IsSlaBreached(result, now));
    return absl::OkStatus();
  });
}

absl::Status ServiceCaseService::EscalateServiceCase(const common::CallContext& call,
                                                     const v1::EscalateServiceCaseRequest& request,
                                                     v1::EscalateServiceCaseResponse& response) {
  common::Validator v;
  v.Check(ParseCaseName("name", request.name()).status());
  v.Check(common::ValidateRequiredText("reason", request.reason(), kMaxCaseReasonChars));
  v.Check(ValidateOptionalEmployee("assignee", request.assignee()));
  v.Check(common::ValidateEnum("priority", request.priority(), *v1::CasePriority_descriptor(),
                               /*allow_unspecified=*/true));
  if (!v.ok()) return v.status();
  const absl::Time now = Now();
  return ChangeCase(
      call, request.name(), request.etag(), "etag", crm::common::v1::AUDIT_ACTION_STATE_CHANGE,
      request.reason(),
      [&](ServiceCaseStore& store, const StoredServiceCase& stored,
          v1::ServiceCase& updated) -> absl::Status {
        if (absl::Status s = CheckCanEscalate(request.name(), updated.status()); !s.ok()) {
          return s;
        }
        absl::StatusOr<v1::CasePriority> priority =
            EscalatedPriority(updated.priority(), request.priority());
        if (!priority.ok()) return priority.status();
        v1::Escalation escalation;
        escalation.set_level(updated.escalations_size() + 1);
        escalation.set_reason(request.reason());
        escalation.set_from_assignee(updated.assignee());
        escalation.set_to_assignee(request.assignee().empty() ? updated.assignee()
                                                              : request.assignee());
        escalation.set_priority(*priority);
        escalation.set_actor(call.caller.team);
        *escalation.mutable_escalate_time() = common::ToProtoTimestamp(now);
        if (absl::Status s = store.InsertEscalation(stored.id, escalation); !s.ok()) return s;
        updated.set_priority(*priority);
        updated.set_assignee(escalation.to_assignee());
        *updated.add_escalations() = std::move(escalation);
        return absl::OkStatus();
      },
      *response.mutable_service_case());
}

absl::Status ServiceCaseService::SetServiceCasePending(
    const common::CallContext& call, const v1::SetServiceCasePendingRequest& request,
    v1::SetServiceCasePendingResponse& response) {
  if (absl::Status s = ValidateOptionalReason("reason", request.reason()); !s.ok()) return s;
  return ChangeCase(
      call, request.name(), request.etag(), "etag", crm::common::v1::AUDIT_ACTION_STATE_CHANGE,
      request.reason(),
      [&](ServiceCaseStore&, const StoredServiceCase&, v1::ServiceCase& updated) {
        return MoveTo(request.name(), updated, v1::CASE_STATUS_PENDING);
      },
      *response.mutable_service_case());
}

absl::Status ServiceCaseService::ReopenServiceCase(const common::CallContext& call,
                                                   const v1::ReopenServiceCaseRequest& request,
                                                   v1::ReopenServiceCaseResponse& response) {
  if (absl::Status s = ValidateOptionalReason("reason", request.reason()); !s.ok()) return s;
  return ChangeCase(
      call, request.name(), request.etag(), "etag", crm::common::v1::AUDIT_ACTION_STATE_CHANGE,
      request.reason(),
      [&](ServiceCaseStore&, const StoredServiceCase&, v1::ServiceCase& updated) {
        return MoveTo(request.name(), updated, v1::CASE_STATUS_OPEN);
      },
      *response.mutable_service_case());
}

absl::Status ServiceCaseService::ResolveServiceCase(const common::CallContext& call,
                                                    const v1::ResolveServiceCaseRequest& request,
                                                    v1::ResolveServiceCaseResponse& response) {
  if (absl::Status s =
          common::ValidateRequiredText("resolution", request.resolution(), kMaxCaseResolutionChars);
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return ChangeCase(
      call, request.name(), request.etag(), "etag", crm::common::v1::AUDIT_ACTION_STATE_CHANGE, "",
      [&](ServiceCaseStore&, const StoredServiceCase&, v1::ServiceCase& updated) -> absl::Status {
        if (absl::Status s = MoveTo(request.name(), updated, v1::CASE_STATUS_RESOLVED); !s.ok()) {
          return s;
        }
        updated.set_resolution(request.resolution());
        *updated.mutable_resolve_time() = common::ToProtoTimestamp(now);
        return absl::OkStatus();
      },
      *response.mutable_service_case());
}

absl::Status ServiceCaseService::CloseServiceCase(const common::CallContext& call,
                                                  const v1::CloseServiceCaseRequest& request,
                                                  v1::CloseServiceCaseResponse& response) {
  common::Validator v;
  v.Check(ValidateCsatScore("csat_score", request.csat_score()));
  v.Check(common::ValidateLength("csat_comment", request.csat_comment(), 0, kMaxCsatCommentChars));
  if (!v.ok()) return v.status();
  const absl::Time now = Now();
  return ChangeCase(
      call, request.name(), request.etag(), "etag", crm::common::v1::AUDIT_ACTION_STATE_CHANGE, "",
      [&](ServiceCaseStore& store, const StoredServiceCase& stored,
          v1::ServiceCase& updated) -> absl::Status {
        if (absl::Status s = MoveTo(request.name(), updated, v1::CASE_STATUS_CLOSED); !s.ok()) {
          return s;
        }
        updated.set_csat_score(request.csat_score());
        updated.set_csat_comment(request.csat_comment());
        *updated.mutable_close_time() = common::ToProtoTimestamp(now);
        if (request.csat_score() == 0) return absl::OkStatus();
        // A score is also a CSAT response about this case (FeedbackService lists it).
        v1::Feedback feedback;
        feedback.set_kind(v1::FEEDBACK_KIND_CSAT);
        feedback.set_score(request.csat_score());
        feedback.set_comment(request.csat_comment());
        feedback.set_subject(request.name());
        *feedback.mutable_respond_time() = common::ToProtoTimestamp(now);
        *feedback.mutable_create_time() = common::ToProtoTimestamp(now);
        absl::StatusOr<std::string> feedback_name =
            store.InsertFeedback(stored.customer_id, feedback);
        if (!feedback_name.ok()) return feedback_name.status();
        feedback.set_name(*feedback_name);
        return store.InsertAuditEntry(
            common::MakeAuditEntry(call, *feedback_name, crm::common::v1::AUDIT_ACTION_CREATE,
                                   common::DiffFromEmpty(feedback), "", now));
      },
      *response.mutable_service_case());
}

}  // namespace crm::customer
