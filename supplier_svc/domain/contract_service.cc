#include "supplier_svc/domain/contract_service.h"

#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "common/api/calendar_date.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/resource_state.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "supplier_svc/domain/contract_rules.h"
#include "supplier_svc/domain/supplier_rules.h"

namespace crm::supplier {
namespace {

using crm::common::v1::AuditAction;

constexpr std::string_view kContracts = "contracts";

std::string SortValue(const v1::Contract& contract, ContractOrder order) {
  switch (order) {
    case ContractOrder::kStartDate:
      return common::FormatIsoDate(common::FromDateMessage(contract.start_date()));
    case ContractOrder::kCreateTime:
      return common::FormatMysqlDatetime(common::FromProtoTimestamp(contract.create_time()));
    case ContractOrder::kEndDate:
      break;
  }
  return common::FormatIsoDate(common::FromDateMessage(contract.end_date()));
}

absl::StatusOr<ContractCursor> DecodeCursor(std::string_view token, std::string_view fingerprint,
                                            ContractOrder order) {
  absl::StatusOr<common::PageCursor> cursor = common::DecodePageToken(token, fingerprint);
  if (!cursor.ok()) return cursor.status();
  ContractCursor after;
  if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id)) {
    return absl::InvalidArgumentError("page_token: invalid or corrupted");
  }
  after.sort_value = cursor->keys[0];
  const bool readable = order == ContractOrder::kCreateTime
                            ? common::ParseMysqlDatetime(after.sort_value).ok()
                            : common::ParseIsoDate(after.sort_value).ok();
  if (!readable) return absl::InvalidArgumentError("page_token: invalid or corrupted");
  return after;
}

absl::StatusOr<StoredContract> LockForChange(ContractStore& store, int64_t id,
                                             std::string_view name, std::string_view etag,
                                             std::string_view etag_field) {
  absl::StatusOr<StoredContract> stored = common::RequireFound(store.LockContract(id), name);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = common::CheckEtag(etag, stored->version, name, etag_field); !s.ok()) {
    return s;
  }
  return stored;
}

// The contract, locked at the caller's etag (`etag`), still with the supplier
// `peeked_supplier_id` (ABORTED when it moved meanwhile), and allowed to go
// from its state on `today` to `to`: the checks of Activate and Terminate.
absl::StatusOr<StoredContract> LockForTransition(ContractStore& store, int64_t id,
                                                 int64_t peeked_supplier_id, std::string_view name,
                                                 std::string_view etag,
                                                 const common::CalendarDate& today,
                                                 v1::ContractState to) {
  absl::StatusOr<StoredContract> stored = LockForChange(store, id, name, etag, "etag");
  if (!stored.ok()) return stored.status();
  if (stored->supplier_id != peeked_supplier_id) {
    return absl::AbortedError(
        absl::StrFormat("%s moved to another supplier meanwhile; retry", name));
  }
  const v1::ContractState from = EffectiveContractState(stored->contract, today);
  if (absl::Status s = ContractStateMachine().Check(name, from, to); !s.ok()) return s;
  return stored;
}

}  // namespace

absl::StatusOr<StoredContract> StoreContractChange(ContractStore& store,
                                                   const common::CallContext& call,
                                                   const StoredContract& stored,
                                                   v1::Contract updated, AuditAction action,
                                                   std::string_view reason, absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes =
      common::DiffMessages(stored.contract, updated);
  // Lines are rewritten only when more than their ordered quantities changed.
  bool replace_lines = stored.contract.lines_size() != updated.lines_size();
  for (int i = 0; !replace_lines && i < updated.lines_size(); ++i) {
    v1::ContractLine before = stored.contract.lines(i);
    v1::ContractLine after = updated.lines(i);
    for (v1::ContractLine* line : {&before, &after}) {
      line->clear_ordered_quantity();
      line->clear_remaining_quantity();
    }
    replace_lines = before.SerializeAsString() != after.SerializeAsString();
  }
  absl::StatusOr<StoredContract> result =
      store.UpdateContract(updated, stored.version, replace_lines);
  if (!result.ok()) return result.status();
  absl::Status audited = store.InsertAuditEntry(
      common::MakeAuditEntry(call, updated.name(), action, std::move(changes), reason, now));
  if (!audited.ok()) return audited;
  return result;
}

ContractService::ContractService(ContractRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time ContractService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

v1::Contract ContractService::Present(v1::Contract contract) const {
  contract.set_state(EffectiveContractState(contract, common::UtcDate(clock_())));
  return contract;
}

absl::Status ContractService::GetContract(const common::CallContext& call,
                                          const v1::GetContractRequest& request,
                                          v1::GetContractResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kContracts);
  if (!id.ok()) return id.status();
  absl::StatusOr<StoredContract> stored =
      common::RequireFound(repository_.GetContract(call.deadline, *id), request.name());
  if (!stored.ok()) return stored.status();
  *response.mutable_contract() = Present(std::move(stored->contract));
  return absl::OkStatus();
}

absl::Status ContractService::ListContracts(const common::CallContext& call,
                                            const v1::ListContractsRequest& request,
                                            v1::ListContractsResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  ContractListQuery query;
  absl::StatusOr<std::vector<ContractCondition>> conditions = ParseContractFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  if (absl::Status order = ParseContractOrder(request.order_by(), query.order, query.descending);
      !order.ok()) {
    return order;
  }
  query.today = common::FormatIsoDate(common::UtcDate(clock_()));
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListContracts", request.filter(), request.order_by()});
  if (!request.page_token().empty()) {
    absl::StatusOr<ContractCursor> after =
        DecodeCursor(request.page_token(), fingerprint, query.order);
    if (!after.ok()) return after.status();
    query.after = *std::move(after);
  }
  absl::StatusOr<std::vector<StoredContract>> rows =
      repository_.ListContracts(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredContract& row : *rows) *response.add_contracts() = Present(std::move(row.contract));
  if (more) {
    const v1::Contract& last = response.contracts(response.contracts_size() - 1);
    common::PageCursor next{{SortValue(last, query.order), std::to_string(rows->back().id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status ContractService::CreateContract(const common::CallContext& call,
                                             const v1::CreateContractRequest& request,
                                             v1::CreateContractResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::Contract contract = request.contract();
  ClearContractOutputOnly(contract);
  if (absl::Status valid = ValidateContract(contract); !valid.ok()) return valid;
  const int64_t supplier_id =
      *common::ParseResourceId("contract.supplier", contract.supplier(), "suppliers");
  const absl::Time now = Now();
  contract.set_state(v1::CONTRACT_STATE_DRAFT);
  *contract.mutable_create_time() = common::ToProtoTimestamp(now);
  *contract.mutable_update_time() = common::ToProtoTimestamp(now);
  if (absl::Status totals = ComputeContractTotals(contract); !totals.ok()) return totals;

  v1::CreateContractRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.supplier.v1.ContractService/CreateContract", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](ContractStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<StoredSupplier> supplier =
            common::RequireFound(store.Suppliers().LockSupplier(supplier_id), contract.supplier());
        if (!supplier.ok()) return supplier.status();
        if (absl::Status s = CheckSupplierTakesContracts(supplier->supplier); !s.ok()) return s;
        absl::StatusOr<StoredContract> stored = store.InsertContract(contract);
        if (!stored.ok()) return stored.status();
        absl::Status audited = store.InsertAuditEntry(common::MakeAuditEntry(
            call, stored->contract.name(), crm::common::v1::AUDIT_ACTION_CREATE,
            common::DiffFromEmpty(stored->contract), "", now));
        if (!audited.ok()) return audited;
        v1::CreateContractResponse created;
        *created.mutable_contract() = std::move(stored->contract);
        return created.SerializeAsString();
      });
  if (absl::Status parsed =
          common::ParseStoredResponse(stored_response, "CreateContract", response);
      !parsed.ok()) {
    return parsed;
  }
  *response.mutable_contract() = Present(std::move(*response.mutable_contract()));
  return absl::OkStatus();
}

absl::Status ContractService::UpdateContract(const common::CallContext& call,
                                             const v1::UpdateContractRequest& request,
                                             v1::UpdateContractResponse& response) {
  const std::string& name = request.contract().name();
  absl::StatusOr<int64_t> id = common::ParseResourceId("contract.name", name, kContracts);
  if (!id.ok()) return id.status();
  if (absl::Status mask = ValidateContractUpdateMask(request.update_mask()); !mask.ok()) {
    return mask;
  }
  const absl::Time now = Now();
  const common::CalendarDate today = common::UtcDate(now);
  return repository_.Transact(call.deadline, [&](ContractStore& store) -> absl::Status {
    absl::StatusOr<StoredContract> stored =
        LockForChange(store, *id, name, request.contract().etag(), "contract.etag");
    if (!stored.ok()) return stored.status();
    const v1::ContractState state = EffectiveContractState(stored->contract, today);
    if (absl::Status s = CheckContractUpdateAllowed(name, state, request.update_mask()); !s.ok()) {
      return s;
    }
    v1::Contract updated = stored->contract;
    v1::Contract patch = request.contract();
    ClearContractOutputOnly(patch);
    if (absl::Status s = common::ApplyUpdateMask(patch, request.update_mask(),
                                                 ContractUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (absl::Status valid = ValidateContract(updated); !valid.ok()) return valid;
    if (absl::Status totals = ComputeContractTotals(updated); !totals.ok()) return totals;
    if (common::DiffMessages(stored->contract, updated).empty()) {
      *response.mutable_contract() = Present(std::move(stored->contract));
      return absl::OkStatus();
    }
    absl::StatusOr<StoredContract> result = StoreContractChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, "", now);
    if (!result.ok()) return result.status();
    *response.mutable_contract() = Present(std::move(result->contract));
    return absl::OkStatus();
  });
}

absl::Status ContractService::ActivateContract(const common::CallContext& call,
                                               const v1::ActivateContractRequest& request,
                                               v1::ActivateContractResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kContracts);
  if (!id.ok()) return id.status();
  // Suppliers are locked before contracts everywhere (as placing an order does).
  absl::StatusOr<StoredContract> peek =
      common::RequireFound(repository_.GetContract(call.deadline, *id), request.name());
  if (!peek.ok()) return peek.status();
  const absl::Time now = Now();
  const common::CalendarDate today = common::UtcDate(now);
  return repository_.Transact(call.deadline, [&](ContractStore& store) -> absl::Status {
    absl::StatusOr<StoredSupplier> supplier = common::RequireFound(
        store.Suppliers().LockSupplier(peek->supplier_id), peek->contract.supplier());
    if (!supplier.ok()) return supplier.status();
    absl::StatusOr<StoredContract> stored =
        LockForTransition(store, *id, peek->supplier_id, request.name(), request.etag(), today,
                          v1::CONTRACT_STATE_ACTIVE);
    if (!stored.ok()) return stored.status();
    if (absl::Status s = CheckSupplierTakesOrders(supplier->supplier); !s.ok()) return s;
    const common::CalendarDate end = common::FromDateMessage(stored->contract.end_date());
    if (end < today) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s: its term ended on %s; move end_date before activating it",
                          request.name(), common::FormatIsoDate(end)));
    }
    v1::Contract updated = stored->contract;
    updated.set_state(v1::CONTRACT_STATE_ACTIVE);
    absl::StatusOr<StoredContract> result =
        StoreContractChange(store, call, *stored, std::move(updated),
                            crm::common::v1::AUDIT_ACTION_STATE_CHANGE, "", now);
    if (!result.ok()) return result.status();
    for (const v1::ContractLine& line : result->contract.lines()) {
      v1::Offering offering;
      offering.set_supplier(result->contract.supplier());
      offering.set_item(line.item());
      offering.set_description(result->contract.title());
      *offering.mutable_unit_price() = line.unit_price();
      offering.set_minimum_quantity(1);
      *offering.mutable_valid_from() = result->contract.start_date();
      *offering.mutable_valid_until() = result->contract.end_date();
      offering.set_contract(result->contract.name());
      *offering.mutable_create_time() = common::ToProtoTimestamp(now);
      *offering.mutable_update_time() = common::ToProtoTimestamp(now);
      absl::StatusOr<v1::Offering> inserted = store.InsertOffering(offering);
      if (!inserted.ok()) return inserted.status();
      absl::Status audited = store.InsertAuditEntry(common::MakeAuditEntry(
          call, inserted->name(), crm::common::v1::AUDIT_ACTION_CREATE,
          common::DiffFromEmpty(*inserted), absl::StrFormat("activated %s", request.name()), now));
      if (!audited.ok()) return audited;
    }
    *response.mutable_contract() = Present(std::move(result->contract));
    return absl::OkStatus();
  });
}

absl::Status ContractService::TerminateContract(const common::CallContext& call,
                                                const v1::TerminateContractRequest& request,
                                                v1::TerminateContractResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kContracts);
  if (!id.ok()) return id.status();
  if (absl::Status s = common::ValidateRequiredText("reason", request.reason(), kMaxReasonChars);
      !s.ok()) {
    return s;
  }
  // The supplier first: writing the state checks the supplier key, and
  // placing an order locks the supplier before the contract.
  absl::StatusOr<StoredContract> peek =
      common::RequireFound(repository_.GetContract(call.deadline, *id), request.name());
  if (!peek.ok()) return peek.status();
  const absl::Time now = Now();
  const common::CalendarDate today = common::UtcDate(now);
  return repository_.Transact(call.deadline, [&](ContractStore& store) -> absl::Status {
    if (absl::Status s = common::RequireFound(store.Suppliers().LockSupplier(peek->supplier_id),
                                              peek->contract.supplier())
                             .status();
        !s.ok()) {
      return s;
    }
    absl::StatusOr<StoredContract> stored =
        LockForTransition(store, *id, peek->supplier_id, request.name(), request.etag(), today,
                          v1::CONTRACT_STATE_TERMINATED);
    if (!stored.ok()) return stored.status();
    v1::Contract updated = stored->contract;
    updated.set_state(v1::CONTRACT_STATE_TERMINATED);
    updated.set_termination_reason(request.reason());
    absl::StatusOr<StoredContract> result =
        StoreContractChange(store, call, *stored, std::move(updated),
                            crm::common::v1::AUDIT_ACTION_STATE_CHANGE, request.reason(), now);
    if (!result.ok()) return result.status();
    absl::StatusOr<std::vector<std::pair<v1::Offering, v1::Offering>>> removed =
        store.DeleteContractOfferings(*id, now);
    if (!removed.ok()) return removed.status();
    for (const auto& [before, after] : *removed) {
      absl::Status audited = store.InsertAuditEntry(
          common::MakeAuditEntry(call, after.name(), crm::common::v1::AUDIT_ACTION_DELETE,
                                 common::DiffMessages(before, after),
                                 absl::StrFormat("terminated %s", request.name()), now));
      if (!audited.ok()) return audited;
    }
    *response.mutable_contract() = Present(std::move(result->contract));
    return absl::OkStatus();
  });
}

}  // namespace crm::supplier
