#include "customer_svc/domain/customer_service.h"

#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
#include "common/api/id_page_token.h"
#include "common/api/page_token.h"
#include "common/api/party_validation.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "customer_svc/domain/customer_validation.h"
#include "customer_svc/domain/duplicate_repository.h"
#include "customer_svc/domain/lead_conversion.h"
#include "customer_svc/domain/lifecycle.h"
#include "customer_svc/domain/list_filters.h"
#include "customer_svc/domain/merge_journal.h"
#include "customer_svc/domain/opportunity_service.h"
#include "customer_svc/domain/update_rules.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;

constexpr std::string_view kCustomers = "customers";

absl::StatusOr<StoredCustomer> LockExisting(CustomerStore& store, int64_t id,
                                            std::string_view name) {
  absl::StatusOr<std::optional<StoredCustomer>> stored = store.LockCustomer(id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", name));
  }
  return **std::move(stored);
}

// A live customer, locked, whose etag matches `etag` (when given).
absl::StatusOr<StoredCustomer> LockLiveForChange(CustomerStore& store, int64_t id,
                                                 std::string_view name, std::string_view etag,
                                                 std::string_view etag_field) {
  absl::StatusOr<StoredCustomer> stored = LockExisting(store, id, name);
  if (!stored.ok()) return stored.status();
  if (stored->customer.has_delete_time()) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is deleted; undelete it before changing it", name));
  }
  if (absl::Status etag_ok = common::CheckEtag(etag, stored->version, name, etag_field);
      !etag_ok.ok()) {
    return etag_ok;
  }
  return stored;
}

absl::Status RecordAudit(CustomerStore& store, const common::CallContext& call,
                         std::string_view resource, AuditAction action,
                         const std::vector<crm::common::v1::FieldChange>& changes,
                         std::string_view request_id, std::string_view reason, absl::Time time) {
  crm::common::v1::AuditEntry entry;
  entry.set_resource(std::string(resource));
  entry.set_action(action);
  for (const crm::common::v1::FieldChange& change : changes) *entry.add_field_changes() = change;
  entry.set_actor(call.caller.team);
  entry.set_request_id(std::string(request_id.empty() ? call.request_id : request_id));
  *entry.mutable_create_time() = common::ToProtoTimestamp(time);
  entry.set_reason(std::string(reason));
  return store.InsertAuditEntry(entry);
}

// Writes `updated` over `stored` with an audit entry of the differences.
absl::StatusOr<StoredCustomer> StoreChange(CustomerStore& store, const common::CallContext& call,
                                           const StoredCustomer& stored, v1::Customer updated,
                                           AuditAction action, std::string_view reason,
                                           absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes = common::DiffMessages(stored.customer, updated);
  absl::StatusOr<StoredCustomer> result = store.UpdateCustomer(updated, stored.version);
  if (!result.ok()) return result.status();
  absl::Status audited =
      RecordAudit(store, call, updated.name(), action, changes, "", reason, now);
  if (!audited.ok()) return audited;
  return result;
}

std::string SortValue(const v1::Customer& customer, CustomerOrder order) {
  switch (order) {
    case CustomerOrder::kDisplayName:
      return customer.display_name();
    case CustomerOrder::kUpdateTime:
      return common::FormatMysqlDatetime(common::FromProtoTimestamp(customer.update_time()));
    case CustomerOrder::kCreateTime:
      break;
  }
  return common::FormatMysqlDatetime(common::FromProtoTimestamp(customer.create_time()));
}

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

}  // namespace

CustomerService::CustomerService(CustomerRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time CustomerService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status CustomerService::CheckParent(CustomerStore& store, const v1::Customer& customer,
                                          int64_t self_id) {
  if (customer.parent().empty()) return absl::OkStatus();
  absl::StatusOr<int64_t> parent_id =
      common::ParseResourceId("customer.parent", customer.parent(), kCustomers);
  if (!parent_id.ok()) return parent_id.status();
  if (*parent_id == self_id) {
    return absl::InvalidArgumentError("customer.parent: a customer cannot be its own parent");
  }
  absl::StatusOr<std::optional<StoredCustomer>> parent = store.LockCustomer(*parent_id);
  if (!parent.ok()) return parent.status();
  if (!parent->has_value() || (*parent)->customer.has_delete_time()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "customer.parent: %s does not exist or is deleted", customer.parent()));
  }
  return absl::OkStatus();
}

absl::Status CustomerService::CheckOrganizationKeyFree(CustomerStore& store,
                                                       const v1::Customer& customer,
                                                       int64_t self_id) {
  return common::CheckOrganizationKeyFree(
      "customer.organization_key", kCustomers, customer.organization_key(),
      [&](std::string_view domain) { return store.FindLiveByWebDomain(domain, self_id); },
      [&](std::string_view tax_id) { return store.FindLiveByTaxId(tax_id, self_id); });
}

absl::Status CustomerService::GetCustomer(const common::CallContext& call,
                                          const v1::GetCustomerRequest& request,
                                          v1::GetCustomerResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCustomers);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredCustomer>> stored = repository_.GetCustomer(call.deadline, *id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_customer() = std::move((*stored)->customer);
  return absl::OkStatus();
}

absl::Status CustomerService::ListCustomers(const common::CallContext& call,
                                            const v1::ListCustomersRequest& request,
                                            v1::ListCustomersResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  CustomerListQuery query;
  absl::StatusOr<std::vector<CustomerCondition>> conditions = ParseCustomerFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  absl::Status order = ParseCustomerOrder(request.order_by(), query.order, query.descending);
  if (!order.ok()) return order;
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;  // one more tells whether a next page exists

  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListCustomers", request.filter(), request.order_by(), request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    CustomerCursor after;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id)) {
      return InvalidPageToken();
    }
    after.sort_value = cursor->keys[0];
    if (query.order != CustomerOrder::kDisplayName &&
        !common::ParseMysqlDatetime(after.sort_value).ok()) {
      return InvalidPageToken();
    }
    query.after = std::move(after);
  }

  absl::StatusOr<std::vector<StoredCustomer>> rows = repository_.ListCustomers(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = static_cast<int>(rows->size()) > *page_size;
  if (more) rows->resize(*page_size);
  for (StoredCustomer& row : *rows) *response.add_customers() = std::move(row.customer);
  if (more) {
    const StoredCustomer& last = rows->back();
    const v1::Customer& last_customer = response.customers(response.customers_size() - 1);
    common::PageCursor next{{SortValue(last_customer, query.order), std::to_string(last.id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status CustomerService::CreateCustomer(const common::CallContext& call,
                                             const v1::CreateCustomerRequest& request,
                                             v1::CreateCustomerResponse& response) {
  if (absl::Status id_ok = common::ValidateRequestId("request_id", request.request_id());
      !id_ok.ok()) {
    return id_ok;
  }
  v1::Customer customer = request.customer();
  ClearOutputOnlyFields(customer);
  if (absl::Status valid = NormalizeCustomer(customer); !valid.ok()) return valid;

  const absl::Time now = Now();
  const google::protobuf::Timestamp now_proto = common::ToProtoTimestamp(now);
  *customer.mutable_stage_enter_time() = now_proto;
  *customer.mutable_create_time() = now_proto;
  *customer.mutable_update_time() = now_proto;
  for (v1::Consent* consent : {customer.mutable_consents()->mutable_marketing(),
                               customer.mutable_consents()->mutable_data_sharing()}) {
    if (consent->granted() || !consent->evidence().empty()) {
      *consent->mutable_update_time() = now_proto;
    }
  }
  if (customer.consents().ByteSizeLong() == 0) customer.clear_consents();

  v1::CreateCustomerRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.CustomerService/CreateCustomer", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](CustomerStore& store) -> absl::StatusOr<std::string> {
        if (absl::Status s = CheckParent(store, customer, 0); !s.ok()) return s;
        if (absl::Status s = CheckOrganizationKeyFree(store, customer, 0); !s.ok()) return s;
        absl::StatusOr<StoredCustomer> stored = store.InsertCustomer(customer);
        if (!stored.ok()) return stored.status();
        v1::LifecycleTransition transition;
        transition.set_from_stage(v1::LIFECYCLE_STAGE_UNSPECIFIED);
        transition.set_to_stage(customer.lifecycle_stage());
        *transition.mutable_transition_time() = now_proto;
        transition.set_actor(call.caller.team);
        transition.set_reason("customer created");
        if (absl::Status s = store.InsertTransition(stored->id, transition).status(); !s.ok()) {
          return s;
        }
        absl::Status audited =
            RecordAudit(store, call, stored->customer.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                        {common::CreateChange(stored->customer)}, request.request_id(), "",
                        now);
        if (!audited.ok()) return audited;
        v1::CreateCustomerResponse created;
        *created.mutable_customer() = std::move(stored->customer);
        return created.SerializeAsString();
      });
  if (!stored_response.ok()) return stored_response.status();
  if (!response.ParseFromString(*stored_response)) {
    return absl::InternalError("stored CreateCustomer response is unreadable");
  }
  return absl::OkStatus();
}

absl::Status CustomerService::UpdateCustomer(const common::CallContext& call,
                                             const v1::UpdateCustomerRequest& request,
                                             v1::UpdateCustomerResponse& response) {
  const std::string& name = request.customer().name();
  absl::StatusOr<int64_t> id = common::ParseResourceId("customer.name", name, kCustomers);
  if (!id.ok()) return id.status();
  if (absl::Status mask = ValidateCustomerUpdateMask(request.update_mask()); !mask.ok()) {
    return mask;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](CustomerStore& store) -> absl::Status {
    absl::StatusOr<StoredCustomer> stored =
        LockLiveForChange(store, *id, name, request.customer().etag(), "customer.etag");
    if (!stored.ok()) return stored.status();
    v1::Customer updated = stored->customer;
    absl::Status applied = common::ApplyUpdateMask(request.customer(), request.update_mask(),
                                                   CustomerUpdatablePaths(), &updated);
    if (!applied.ok()) return applied;
    if (absl::Status valid = NormalizeCustomer(updated); !valid.ok()) return valid;
    if (common::DiffMessages(stored->customer, updated).empty()) {
      *response.mutable_customer() = std::move(stored->customer);
      return absl::OkStatus();
    }
    if (updated.parent() != stored->customer.parent()) {
      if (absl::Status s = CheckParent(store, updated, *id); !s.ok()) return s;
    }
    if (absl::Status s = CheckOrganizationKeyFree(store, updated, *id); !s.ok()) return s;
    absl::StatusOr<StoredCustomer> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_customer() = std::move(result->customer);
    return absl::OkStatus();
  });
}

absl::Status CustomerService::DeleteCustomer(const common::CallContext& call,
                                             const v1::DeleteCustomerRequest& request,
                                             v1::DeleteCustomerResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCustomers);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](CustomerStore& store) -> absl::Status {
    absl::StatusOr<StoredCustomer> stored =
        LockLiveForChange(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    v1::Customer updated = stored->customer;
    *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredCustomer> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_DELETE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_customer() = std::move(result->customer);
    return absl::OkStatus();
  });
}

absl::Status CustomerService::UndeleteCustomer(const common::CallContext& call,
                                               const v1::UndeleteCustomerRequest& request,
                                               v1::UndeleteCustomerResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCustomers);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](CustomerStore& store) -> absl::Status {
    absl::StatusOr<StoredCustomer> stored = LockExisting(store, *id, request.name());
    if (!stored.ok()) return stored.status();
    if (!stored->customer.has_delete_time()) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s is not deleted", request.name()));
    }
    if (!stored->customer.merged_into().empty()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s was merged into %s; use UnmergeCustomers to bring it back", request.name(),
          stored->customer.merged_into()));
    }
    if (absl::Status etag = common::CheckEtag(request.etag(), stored->version, request.name());
        !etag.ok()) {
      return etag;
    }
    // Another customer may have taken the organization key meanwhile.
    if (absl::Status s = CheckOrganizationKeyFree(store, stored->customer, *id); !s.ok()) return s;
    v1::Customer updated = stored->customer;
    updated.clear_delete_time();
    absl::StatusOr<StoredCustomer> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UNDELETE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_customer() = std::move(result->customer);
    return absl::OkStatus();
  });
}

absl::Status CustomerService::TransitionLifecycleStage(
    const common::CallContext& call, const v1::TransitionLifecycleStageRequest& request,
    v1::TransitionLifecycleStageResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCustomers);
  if (!id.ok()) return id.status();
  common::Validator v;
  v.Check(common::ValidateEnum("to_stage", request.to_stage(), *v1::LifecycleStage_descriptor()));
  v.Check(common::ValidateRequiredText("reason", request.reason(), kMaxReasonChars));
  if (!v.ok()) return v.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](CustomerStore& store) -> absl::Status {
    absl::StatusOr<StoredCustomer> stored =
        LockLiveForChange(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    const v1::LifecycleStage from = stored->customer.lifecycle_stage();
    if (absl::Status legal = CheckTransition(request.name(), from, request.to_stage());
        !legal.ok()) {
      return legal;
    }
    v1::Customer updated = stored->customer;
    updated.set_lifecycle_stage(request.to_stage());
    *updated.mutable_stage_enter_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredCustomer> result =
        StoreChange(store, call, *stored, std::move(updated),
                    crm::common::v1::AUDIT_ACTION_STATE_CHANGE, request.reason(), now);
    if (!result.ok()) return result.status();
    v1::LifecycleTransition transition;
    transition.set_from_stage(from);
    transition.set_to_stage(request.to_stage());
    *transition.mutable_transition_time() = common::ToProtoTimestamp(now);
    transition.set_actor(call.caller.team);
    transition.set_reason(request.reason());
    absl::StatusOr<StoredTransition> recorded = store.InsertTransition(*id, transition);
    if (!recorded.ok()) return recorded.status();
    *response.mutable_customer() = std::move(result->customer);
    *response.mutable_transition() = std::move(recorded->transition);
    return absl::OkStatus();
  });
}

absl::Status CustomerService::ListLifecycleTransitions(
    const common::CallContext& call, const v1::ListLifecycleTransitionsRequest& request,
    v1::ListLifecycleTransitionsResponse& response) {
  TransitionListQuery query;
  if (request.parent() != "customers/-") {
    absl::StatusOr<int64_t> id = common::ParseResourceId("parent", request.parent(), kCustomers);
    if (!id.ok()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "parent: %s must be customers/{id} or customers/- for every customer",
          common::QuoteValue(request.parent())));
    }
    absl::StatusOr<std::optional<StoredCustomer>> customer =
        repository_.GetCustomer(call.deadline, *id);
    if (!customer.ok()) return customer.status();
    if (!customer->has_value()) {
      return absl::NotFoundError(absl::StrFormat("%s does not exist", request.parent()));
    }
    query.customer_id = *id;
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<TransitionCondition>> conditions =
      ParseTransitionFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  query.limit = *page_size + 1;
  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListLifecycleTransitions", request.parent(), request.filter()});
  absl::StatusOr<std::optional<int64_t>> before = common::DecodeIdPageToken(request.page_token(), fingerprint);
  if (!before.ok()) return before.status();
  query.before_id = *before;

  absl::StatusOr<std::vector<StoredTransition>> rows =
      repository_.ListTransitions(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = static_cast<int>(rows->size()) > *page_size;
  if (more) rows->resize(*page_size);
  for (StoredTransition& row : *rows) {
    *response.add_lifecycle_transitions() = std::move(row.transition);
  }
  if (more) {
    response.set_next_page_token(common::EncodeIdPageToken(rows->back().id, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status CustomerService::GetLifecycleFunnel(const common::CallContext& call,
                                                 const v1::GetLifecycleFunnelRequest& request,
                                                 v1::GetLifecycleFunnelResponse& response) {
  if (!request.has_start_time()) return absl::InvalidArgumentError("start_time: must be set");
  if (!request.has_end_time()) return absl::InvalidArgumentError("end_time: must be set");
  common::Validator v;
  v.Check(common::ValidateTimestamp("start_time", request.start_time()));
  v.Check(common::ValidateTimestamp("end_time", request.end_time()));
  if (!v.ok()) return v.status();
  FunnelQuery query;
  query.start = common::FromProtoTimestamp(request.start_time());
  query.end = common::FromProtoTimestamp(request.end_time());
  if (query.end <= query.start) {
    return absl::InvalidArgumentError("end_time: must be after start_time");
  }
  absl::StatusOr<std::vector<CustomerCondition>> conditions = ParseCustomerFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  absl::StatusOr<std::vector<v1::LifecycleFunnelStage>> stages =
      repository_.ComputeFunnel(call.deadline, query);
  if (!stages.ok()) return stages.status();
  for (v1::LifecycleFunnelStage& stage : *stages) *response.add_stages() = std::move(stage);
  return absl::OkStatus();
}

absl::Status CustomerService::SetCustomerConsent(const common::CallContext& call,
                                                 const v1::SetCustomerConsentRequest& request,
                                                 v1::SetCustomerConsentResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kCustomers);
  if (!id.ok()) return id.status();
  common::Validator v;
  v.Check(common::ValidateEnum("consent_type", request.consent_type(),
                               *v1::ConsentType_descriptor()));
  v.Check(common::ValidateRequiredText("evidence", request.evidence(), kMaxEvidenceChars));
  if (!v.ok()) return v.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](CustomerStore& store) -> absl::Status {
    absl::StatusOr<StoredCustomer> stored =
        LockLiveForChange(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    v1::Customer updated = stored->customer;
    v1::Consent& consent = request.consent_type() == v1::CONSENT_TYPE_MARKETING
                               ? *updated.mutable_consents()->mutable_marketing()
                               : *updated.mutable_consents()->mutable_data_sharing();
    consent.set_granted(request.granted());
    consent.set_evidence(request.evidence());
    *consent.mutable_update_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredCustomer> result =
        StoreChange(store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE,
                    request.evidence(), now);
    if (!result.ok()) return result.status();
    *response.mutable_customer() = std::move(result->customer);
    return absl::OkStatus();
  });
}

absl::Status CustomerService::ConvertLead(const common::CallContext& call,
                                          const v1::ConvertLeadRequest& request,
                                          v1::ConvertLeadResponse& response) {
  absl::StatusOr<int64_t> lead_id = common::ParseResourceId("lead", request.lead(), kCustomers);
  if (!lead_id.ok()) return lead_id.status();
  std::optional<int64_t> existing_id;
  if (!request.existing_customer().empty()) {
    absl::StatusOr<int64_t> id =
        common::ParseResourceId("existing_customer", request.existing_customer(), kCustomers);
    if (!id.ok()) return id.status();
    if (*id == *lead_id) {
      return absl::InvalidArgumentError("existing_customer: must be another customer than the lead");
    }
    existing_id = *id;
  }
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  absl::StatusOr<v1::LifecycleStage> target_stage = v1::LIFECYCLE_STAGE_PROSPECT;
  if (!existing_id.has_value()) target_stage = ConversionTargetStage(request.target_stage());
  if (!target_stage.ok()) return target_stage.status();
  v1::Opportunity opportunity = request.opportunity();
  if (request.has_opportunity()) {
    if (absl::Status s = PrepareNewOpportunity(opportunity, "opportunity."); !s.ok()) return s;
  }
  const absl::Time now = Now();
  v1::ConvertLeadRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.CustomerService/ConvertLead", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](CustomerStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<StoredCustomer> lead =
            LockLiveForChange(store, *lead_id, request.lead(), request.etag(), "etag");
        if (!lead.ok()) return lead.status();
        const v1::LifecycleStage from = lead->customer.lifecycle_stage();
        if (from != v1::LIFECYCLE_STAGE_LEAD) {
          return absl::FailedPreconditionError(absl::StrFormat(
              "%s is %s, not a LEAD; only leads are converted", request.lead(), StageName(from)));
        }
        v1::ConvertLeadResponse converted;
        int64_t customer_id = *lead_id;
        if (existing_id.has_value()) {
          absl::StatusOr<StoredCustomer> existing =
              LockLiveForChange(store, *existing_id, request.existing_customer(), "", "");
          if (!existing.ok()) return existing.status();
          // The tombstone first: it frees the lead's organization key for the customer.
          v1::Customer tombstone = lead->customer;
          tombstone.set_merged_into(request.existing_customer());
          *tombstone.mutable_delete_time() = common::ToProtoTimestamp(now);
          absl::StatusOr<StoredCustomer> merged =
              StoreChange(store, call, *lead, std::move(tombstone),
                          crm::common::v1::AUDIT_ACTION_MERGE,
                          absl::StrCat("lead converted into ", request.existing_customer()), now);
          if (!merged.ok()) return merged.status();
          v1::Customer filled = existing->customer;
          for (std::string& path : FillEmptyFields(lead->customer, filled)) {
            converted.add_filled_field_paths(std::move(path));
          }
          if (converted.filled_field_paths_size() == 0) {
            *converted.mutable_customer() = existing->customer;
          } else {
            absl::StatusOr<StoredCustomer> result = StoreChange(
                store, call, *existing, std::move(filled), crm::common::v1::AUDIT_ACTION_UPDATE,
                absl::StrCat("filled from converted lead ", request.lead()), now);
            if (!result.ok()) return result.status();
            *converted.mutable_customer() = std::move(result->customer);
          }
          StoredMerge journal;
          journal.survivor_id = *existing_id;
          journal.merge.set_actor(call.caller.team);
          journal.merge.set_request_id(request.request_id());
          *journal.merge.mutable_merge_time() = common::ToProtoTimestamp(now);
          journal.survivor_before = existing->customer;
          journal.survivor_after = converted.customer();
          journal.members.push_back({*lead_id, lead->customer, merged->version});
          absl::StatusOr<v1::CustomerMerge> merge =
              RecordMerge(store.Merges(), call, journal, {*lead_id},
                          absl::StrCat("lead ", request.lead(), " converted into ",
                                       request.existing_customer()),
                          now);
          if (!merge.ok()) return merge.status();
          *converted.mutable_merge() = *std::move(merge);
          customer_id = *existing_id;
        } else {
          if (absl::Status s = CheckTransition(request.lead(), from, *target_stage); !s.ok()) {
            return s;
          }
          v1::Customer promoted = lead->customer;
          promoted.set_lifecycle_stage(*target_stage);
          *promoted.mutable_stage_enter_time() = common::ToProtoTimestamp(now);
          absl::StatusOr<StoredCustomer> result =
              StoreChange(store, call, *lead, std::move(promoted),
                          crm::common::v1::AUDIT_ACTION_STATE_CHANGE, "lead converted", now);
          if (!result.ok()) return result.status();
          v1::LifecycleTransition transition;
          transition.set_from_stage(from);
          transition.set_to_stage(*target_stage);
          *transition.mutable_transition_time() = common::ToProtoTimestamp(now);
          transition.set_actor(call.caller.team);
          transition.set_reason("lead converted");
          if (absl::Status s = store.InsertTransition(*lead_id, transition).status(); !s.ok()) {
            return s;
          }
          *converted.mutable_customer() = std::move(result->customer);
        }
        if (request.has_opportunity()) {
          absl::StatusOr<v1::Opportunity> created =
              InsertNewOpportunity(store.Opportunities(), call, customer_id, opportunity,
                                   "opportunity.", request.request_id(), now);
          if (!created.ok()) return created.status();
          *converted.mutable_opportunity() = *std::move(created);
        }
        return converted.SerializeAsString();
      });
  if (!stored_response.ok()) return stored_response.status();
  if (!response.ParseFromString(*stored_response)) {
    return absl::InternalError("stored ConvertLead response is unreadable");
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
