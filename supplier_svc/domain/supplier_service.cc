#include "supplier_svc/domain/supplier_service.h"

#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
#include "common/api/id_page_token.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/party_validation.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/resource_state.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/api/validator.h"
#include "common/audit/audit_log.h"
#include "supplier_svc/domain/supplier_rules.h"

namespace crm::supplier {
namespace {

using crm::common::v1::AuditAction;

constexpr std::string_view kSuppliers = "suppliers";
constexpr absl::Duration kSpendWindow = absl::Hours(24 * 365);

// A live supplier, locked, whose etag matches `etag` (when given).
absl::StatusOr<StoredSupplier> LockLiveForChange(SupplierStore& store, int64_t id,
                                                 std::string_view name, std::string_view etag,
                                                 std::string_view etag_field) {
  absl::StatusOr<StoredSupplier> stored = common::RequireFound(store.LockSupplier(id), name);
  if (!stored.ok()) return stored.status();
  if (absl::Status live = common::RequireLive(stored->supplier.has_delete_time(), name);
      !live.ok()) {
    return live;
  }
  if (absl::Status etag_ok = common::CheckEtag(etag, stored->version, name, etag_field);
      !etag_ok.ok()) {
    return etag_ok;
  }
  return stored;
}

std::string SortValue(const v1::Supplier& supplier, SupplierOrder order) {
  switch (order) {
    case SupplierOrder::kCreateTime:
      return common::FormatMysqlDatetime(common::FromProtoTimestamp(supplier.create_time()));
    case SupplierOrder::kRelationshipStartDate:
      if (!supplier.has_relationship_start_date()) return kNoStartDateSortValue;
      return common::FormatIsoDate(common::FromDateMessage(supplier.relationship_start_date()));
    case SupplierOrder::kDisplayName:
      break;
  }
  return supplier.display_name();
}

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

// The cursor of a ListSuppliers page token: [sort value, id].
absl::StatusOr<SupplierCursor> DecodeCursor(std::string_view token, std::string_view fingerprint,
                                            SupplierOrder order) {
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, fingerprint);
  if (!cursor.ok()) return cursor.status();
  SupplierCursor after;
  if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id)) {
    return InvalidPageToken();
  }
  after.sort_value = cursor->keys[0];
  const bool readable = order == SupplierOrder::kCreateTime
                            ? common::ParseMysqlDatetime(after.sort_value).ok()
                        : order == SupplierOrder::kRelationshipStartDate
                            ? common::ParseIsoDate(after.sort_value).ok()
                            : true;
  if (!readable) return InvalidPageToken();
  return after;
}

v1::SupplierStatusChange MakeStatusChange(const common::CallContext& call, v1::SupplierStatus from,
                                          v1::SupplierStatus to, std::string_view reason,
                                          absl::Time now) {
  v1::SupplierStatusChange change;
  change.set_from_status(from);
  change.set_to_status(to);
  change.set_reason(std::string(reason));
  change.set_actor(call.caller.team);
  *change.mutable_change_time() = common::ToProtoTimestamp(now);
  return change;
}

}  // namespace

SupplierService::SupplierService(SupplierRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time SupplierService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

v1::Supplier SupplierService::Present(v1::Supplier supplier) const {
  MarkCurrentQualifications(supplier, common::UtcDate(clock_()));
  return supplier;
}

absl::Status SupplierService::CheckOrganizationKeyFree(SupplierStore& store,
                                                       const v1::Supplier& supplier,
                                                       int64_t self_id) {
  return common::CheckOrganizationKeyFree(
      "supplier.organization_key", kSuppliers, supplier.organization_key(),
      [&](std::string_view domain) { return store.FindLiveByWebDomain(domain, self_id); },
      [&](std::string_view tax_id) { return store.FindLiveByTaxId(tax_id, self_id); });
}

absl::StatusOr<StoredSupplier> SupplierService::StoreChange(
    SupplierStore& store, const common::CallContext& call, const StoredSupplier& stored,
    v1::Supplier updated, AuditAction action, std::string_view reason, absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes =
      common::DiffMessages(stored.supplier, updated);
  absl::StatusOr<StoredSupplier> result = store.UpdateSupplier(updated, stored.version);
  if (!result.ok()) return result.status();
  absl::Status audited = store.InsertAuditEntry(
      common::MakeAuditEntry(call, updated.name(), action, std::move(changes), reason, now));
  if (!audited.ok()) return audited;
  return result;
}

absl::Status SupplierService::GetSupplier(const common::CallContext& call,
                                          const v1::GetSupplierRequest& request,
                                          v1::GetSupplierResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kSuppliers);
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredSupplier> stored =
      common::RequireFound(repository_.GetSupplier(call.deadline, *id), request.name());
  if (!stored.ok()) return stored.status();
  *response.mutable_supplier() = Present(std::move(stored->supplier));
  return absl::OkStatus();
}

absl::Status SupplierService::ListSuppliers(const common::CallContext& call,
                                            const v1::ListSuppliersRequest& request,
                                            v1::ListSuppliersResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  SupplierListQuery query;
  absl::StatusOr<std::vector<SupplierCondition>> conditions = ParseSupplierFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  if (absl::Status order = ParseSupplierOrder(request.order_by(), query.order, query.descending);
      !order.ok()) {
    return order;
  }
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;  // one more tells whether a next page exists

  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListSuppliers", request.filter(), request.order_by(), request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<SupplierCursor> after =
        DecodeCursor(request.page_token(), fingerprint, query.order);
    if (!after.ok()) return after.status();
    query.after = *std::move(after);
  }

  absl::StatusOr<std::vector<StoredSupplier>> rows = repository_.ListSuppliers(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredSupplier& row : *rows) *response.add_suppliers() = Present(std::move(row.supplier));
  if (more) {
    const v1::Supplier& last = response.suppliers(response.suppliers_size() - 1);
    common::PageCursor next{{SortValue(last, query.order), std::to_string(rows->back().id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status SupplierService::GetSupplierSummary(const common::CallContext& call,
                                                 const v1::GetSupplierSummaryRequest& request,
                                                 v1::GetSupplierSummaryResponse& response) {
  absl::StatusOr<std::vector<SupplierCondition>> conditions = ParseSupplierFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  absl::StatusOr<v1::SupplierSummary> summary =
      repository_.ComputeSummary(call.deadline, *conditions, Now() - kSpendWindow);
  if (!summary.ok()) return summary.status();
  *response.mutable_summary() = *std::move(summary);
  return absl::OkStatus();
}

absl::Status SupplierService::CreateSupplier(const common::CallContext& call,
                                             const v1::CreateSupplierRequest& request,
                                             v1::CreateSupplierResponse& response) {
  if (absl::Status id_ok = common::ValidateRequestId("request_id", request.request_id());
      !id_ok.ok()) {
    return id_ok;
  }
  v1::Supplier supplier = request.supplier();
  ClearOutputOnlyFields(supplier);
  if (absl::Status valid = NormalizeSupplier(supplier); !valid.ok()) return valid;
  const absl::Time now = Now();
  supplier.set_status(v1::SUPPLIER_STATUS_PROSPECTIVE);
  *supplier.mutable_create_time() = common::ToProtoTimestamp(now);
  *supplier.mutable_update_time() = common::ToProtoTimestamp(now);

  v1::CreateSupplierRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.supplier.v1.SupplierService/CreateSupplier", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](SupplierStore& store) -> absl::StatusOr<std::string> {
        if (absl::Status s = CheckOrganizationKeyFree(store, supplier, 0); !s.ok()) return s;
        absl::StatusOr<StoredSupplier> stored = store.InsertSupplier(supplier);
        if (!stored.ok()) return stored.status();
        absl::Status recorded =
            store
                .InsertStatusChange(stored->id,
                                    MakeStatusChange(call, v1::SUPPLIER_STATUS_UNSPECIFIED,
                                                     v1::SUPPLIER_STATUS_PROSPECTIVE,
                                                     "supplier created", now))
                .status();
        if (!recorded.ok()) return recorded;
        absl::Status audited = store.InsertAuditEntry(
            common::MakeAuditEntry(call, stored->supplier.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                                   common::DiffFromEmpty(stored->supplier), "", now));
        if (!audited.ok()) return audited;
        v1::CreateSupplierResponse created;
        *created.mutable_supplier() = std::move(stored->supplier);
        return created.SerializeAsString();
      });
  if (absl::Status parsed = common::ParseStoredResponse(stored_response, "CreateSupplier", response);
      !parsed.ok()) {
    return parsed;
  }
  *response.mutable_supplier() = Present(std::move(*response.mutable_supplier()));
  return absl::OkStatus();
}

absl::Status SupplierService::UpdateSupplier(const common::CallContext& call,
                                             const v1::UpdateSupplierRequest& request,
                                             v1::UpdateSupplierResponse& response) {
  const std::string& name = request.supplier().name();
  absl::StatusOr<int64_t> id = common::ParseResourceId("supplier.name", name, kSuppliers);
  if (!id.ok()) return id.status();
  if (absl::Status mask = ValidateSupplierUpdateMask(request.update_mask()); !mask.ok()) {
    return mask;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](SupplierStore& store) -> absl::Status {
    absl::StatusOr<StoredSupplier> stored =
        LockLiveForChange(store, *id, name, request.supplier().etag(), "supplier.etag");
    if (!stored.ok()) return stored.status();
    v1::Supplier updated = stored->supplier;
    v1::Supplier patch = request.supplier();
    ClearOutputOnlyFields(patch);
    absl::Status applied = common::ApplyUpdateMask(patch, request.update_mask(),
                                                   SupplierUpdatablePaths(), &updated);
    if (!applied.ok()) return applied;
    if (absl::Status valid = NormalizeSupplier(updated); !valid.ok()) return valid;
    if (common::DiffMessages(stored->supplier, updated).empty()) {
      *response.mutable_supplier() = Present(std::move(stored->supplier));
      return absl::OkStatus();
    }
    if (absl::Status s = CheckOrganizationKeyFree(store, updated, *id); !s.ok()) return s;
    absl::StatusOr<StoredSupplier> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_supplier() = Present(std::move(result->supplier));
    return absl::OkStatus();
  });
}

absl::Status SupplierService::DeleteSupplier(const common::CallContext& call,
                                             const v1::DeleteSupplierRequest& request,
                                             v1::DeleteSupplierResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kSuppliers);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](SupplierStore& store) -> absl::Status {
    absl::StatusOr<StoredSupplier> stored =
        LockLiveForChange(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    absl::StatusOr<std::string> commitments = store.DescribeOpenCommitments(*id, common::UtcDate(now));
    if (!commitments.ok()) return commitments.status();
    if (!commitments->empty()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s has %s; close or move them before deleting the supplier", request.name(),
          *commitments));
    }
    v1::Supplier updated = stored->supplier;
    *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredSupplier> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_DELETE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_supplier() = Present(std::move(result->supplier));
    return absl::OkStatus();
  });
}

absl::Status SupplierService::UndeleteSupplier(const common::CallContext& call,
                                               const v1::UndeleteSupplierRequest& request,
                                               v1::UndeleteSupplierResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kSuppliers);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](SupplierStore& store) -> absl::Status {
    absl::StatusOr<StoredSupplier> stored =
        common::RequireFound(store.LockSupplier(*id), request.name());
    if (!stored.ok()) return stored.status();
    if (absl::Status s = common::RequireDeleted(stored->supplier.has_delete_time(), request.name());
        !s.ok()) {
      return s;
    }
    if (absl::Status etag = common::CheckEtag(request.etag(), stored->version, request.name());
        !etag.ok()) {
      return etag;
    }
    // Another supplier may have taken the organization key meanwhile.
    if (absl::Status s = CheckOrganizationKeyFree(store, stored->supplier, *id); !s.ok()) return s;
    v1::Supplier updated = stored->supplier;
    updated.clear_delete_time();
    absl::StatusOr<StoredSupplier> result = StoreChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UNDELETE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_supplier() = Present(std::move(result->supplier));
    return absl::OkStatus();
  });
}

absl::Status SupplierService::ChangeSupplierStatus(const common::CallContext& call,
                                                   const v1::ChangeSupplierStatusRequest& request,
                                                   v1::ChangeSupplierStatusResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kSuppliers);
  if (!id.ok()) return id.status();
  common::Validator v;
  v.Check(common::ValidateEnum("status", request.status(), *v1::SupplierStatus_descriptor()));
  v.Check(common::ValidateRequiredText("reason", request.reason(), kMaxReasonChars));
  if (!v.ok()) return v.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](SupplierStore& store) -> absl::Status {
    absl::StatusOr<StoredSupplier> stored =
        LockLiveForChange(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    const v1::SupplierStatus from = stored->supplier.status();
    if (absl::Status legal = CheckManualStatusChange(request.name(), from, request.status());
        !legal.ok()) {
      return legal;
    }
    v1::Supplier updated = stored->supplier;
    updated.set_status(request.status());
    absl::StatusOr<StoredSupplier> result =
        StoreChange(store, call, *stored, std::move(updated),
                    crm::common::v1::AUDIT_ACTION_STATE_CHANGE, request.reason(), now);
    if (!result.ok()) return result.status();
    absl::StatusOr<StoredStatusChange> recorded = store.InsertStatusChange(
        *id, MakeStatusChange(call, from, request.status(), request.reason(), now));
    if (!recorded.ok()) return recorded.status();
    *response.mutable_supplier() = Present(std::move(result->supplier));
    *response.mutable_status_change() = std::move(recorded->change);
    return absl::OkStatus();
  });
}

absl::Status SupplierService::ListSupplierStatusChanges(
    const common::CallContext& call, const v1::ListSupplierStatusChangesRequest& request,
    v1::ListSupplierStatusChangesResponse& response) {
  StatusChangeListQuery query;
  if (request.parent() != "suppliers/-") {
    absl::StatusOr<int64_t> id = common::ParseResourceId("parent", request.parent(), kSuppliers);
    if (!id.ok()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "parent: %s must be suppliers/{id} or suppliers/- for every supplier",
          common::QuoteValue(request.parent())));
    }
    absl::Status exists =
        common::RequireFound(repository_.GetSupplier(call.deadline, *id), request.parent())
            .status();
    if (!exists.ok()) return exists;
    query.supplier_id = *id;
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<StatusChangeCondition>> conditions =
      ParseStatusChangeFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  query.limit = *page_size + 1;
  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListSupplierStatusChanges", request.parent(), request.filter()});
  absl::StatusOr<std::optional<int64_t>> before =
      common::DecodeIdPageToken(request.page_token(), fingerprint);
  if (!before.ok()) return before.status();
  query.before_id = *before;

  absl::StatusOr<std::vector<StoredStatusChange>> rows =
      repository_.ListStatusChanges(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredStatusChange& row : *rows) *response.add_status_changes() = std::move(row.change);
  if (more) {
    response.set_next_page_token(common::EncodeIdPageToken(rows->back().id, fingerprint));
  }
  return absl::OkStatus();
}

}  // namespace crm::supplier
