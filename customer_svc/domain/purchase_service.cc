#include "customer_svc/domain/purchase_service.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/filter_fields.h"
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
#include "crm/customer/v1/interaction.pb.h"
#include "customer_svc/domain/purchase_rules.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;

constexpr std::string_view kCustomers = "customers";
constexpr std::string_view kSuppliers = "suppliers";
constexpr size_t kMaxDependentSuppliers = 1000;

const std::vector<std::string_view>& PurchaseCollections() {
  static const auto* const collections =
      new std::vector<std::string_view>{"customers", "purchases"};
  return *collections;
}

absl::StatusOr<std::pair<int64_t, int64_t>> ParsePurchaseName(std::string_view field,
                                                              std::string_view name) {
  absl::StatusOr<std::vector<int64_t>> ids =
      common::ParseNestedResourceName(field, name, PurchaseCollections());
  if (!ids.ok()) return ids.status();
  return std::make_pair((*ids)[0], (*ids)[1]);
}

// "customers/{id}" → the id; "customers/-" → nullopt (every customer).
absl::StatusOr<std::optional<int64_t>> ParseParent(std::string_view parent) {
  if (parent == "customers/-") return std::nullopt;
  absl::StatusOr<int64_t> id = common::ParseResourceId("parent", parent, kCustomers);
  if (!id.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(id.status().message()), " or customers/- for every customer"));
  }
  return *id;
}

absl::Status CheckCustomerLive(PurchaseStore& store, int64_t customer_id) {
  absl::StatusOr<std::optional<PurchaseCustomer>> customer = store.LockCustomer(customer_id);
  if (!customer.ok()) return customer.status();
  const std::string name = common::FormatResourceName(kCustomers, customer_id);
  if (!customer->has_value()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  if ((*customer)->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(name, " is deleted; undelete it before recording purchases"));
  }
  return absl::OkStatus();
}

const std::vector<common::FilterField<PurchaseColumn>>& PurchaseFilterFields() {
  static const auto* const fields = new std::vector<common::FilterField<PurchaseColumn>>{
      {"sku", PurchaseColumn::kSku, common::FilterValueKind::kText},
      {"status", PurchaseColumn::kStatus, common::FilterValueKind::kEnum,
       v1::PurchaseStatus_descriptor()},
      {"supplier", PurchaseColumn::kSupplier, common::FilterValueKind::kResource, nullptr,
       "suppliers"},
      {"purchase_time", PurchaseColumn::kPurchaseTime, common::FilterValueKind::kTime},
      {"order_reference", PurchaseColumn::kOrderReference, common::FilterValueKind::kText},
  };
  return *fields;
}

std::string SortValue(const v1::Purchase& purchase, PurchaseOrder order) {
  if (order == PurchaseOrder::kAmount) return std::to_string(purchase.amount().amount_minor());
  return common::FormatMysqlDatetime(common::FromProtoTimestamp(purchase.purchase_time()));
}

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

}  // namespace

PurchaseService::PurchaseService(PurchaseRepository& repository, std::function<absl::Time()> clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time PurchaseService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status PurchaseService::GetPurchase(const common::CallContext& call,
                                          const v1::GetPurchaseRequest& request,
                                          v1::GetPurchaseResponse& response) {
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParsePurchaseName("name", request.name());
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::optional<StoredPurchase>> stored =
      repository_.GetPurchase(call.deadline, ids->first, ids->second);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value())
    return absl::NotFoundError(absl::StrCat(request.name(), " does not exist"));
  *response.mutable_purchase() = std::move((*stored)->purchase);
  return absl::OkStatus();
}

absl::Status PurchaseService::ListPurchases(const common::CallContext& call,
                                            const v1::ListPurchasesRequest& request,
                                            v1::ListPurchasesResponse& response) {
  absl::StatusOr<std::optional<int64_t>> parent = ParseParent(request.parent());
  if (!parent.ok()) return parent.status();
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  PurchaseListQuery query;
  query.customer_id = *parent;
  auto conditions = common::ResolveFilter<PurchaseColumn>(request.filter(), PurchaseFilterFields());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  size_t order_index = 0;
  query.descending = true;
  if (absl::Status s =
          common::ParseOrderByInto(request.order_by(), {"purchase_time", "amount.amount_minor"},
                             order_index, query.descending);
      !s.ok()) {
    return s;
  }
  query.order = order_index == 1 ? PurchaseOrder::kAmount : PurchaseOrder::kPurchaseTime;
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;

  const std::string fingerprint =
      common::PageQueryFingerprint({"ListPurchases", request.parent(), request.filter(),
                                    request.order_by(), request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    int64_t amount = 0;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &query.after_id)) {
      return InvalidPageToken();
    }
    if (query.order == PurchaseOrder::kAmount ? !absl::SimpleAtoi(cursor->keys[0], &amount)
                                              : !common::ParseMysqlDatetime(cursor->keys[0]).ok()) {
      return InvalidPageToken();
    }
    query.after_sort_value = cursor->keys[0];
  }
  absl::StatusOr<std::vector<StoredPurchase>> rows =
      repository_.ListPurchases(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredPurchase& row : *rows) *response.add_purchases() = row.purchase;
  if (more) {
    const StoredPurchase& last = rows->back();
    common::PageCursor next{{SortValue(last.purchase, query.order), std::to_string(last.id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status PurchaseService::CreatePurchase(const common::CallContext& call,
                                             const v1::CreatePurchaseRequest& request,
                                             v1::CreatePurchaseResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("parent", request.parent(), kCustomers);
  if (!customer_id.ok()) return customer_id.status();
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  v1::Purchase purchase = request.purchase();
  ClearPurchaseOutputOnlyFields(purchase);
  if (absl::Status s = NormalizePurchase(purchase, now); !s.ok()) return s;
  *purchase.mutable_create_time() = common::ToProtoTimestamp(now);
  *purchase.mutable_update_time() = common::ToProtoTimestamp(now);

  v1::CreatePurchaseRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.PurchaseService/CreatePurchase", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](PurchaseStore& store) -> absl::StatusOr<std::string> {
        if (absl::Status s = CheckCustomerLive(store, *customer_id); !s.ok()) return s;
        absl::StatusOr<StoredPurchase> stored = store.InsertPurchase(*customer_id, purchase);
        if (!stored.ok()) return stored.status();
        absl::Status audited = store.InsertAuditEntry(common::MakeAuditEntry(
            call, stored->purchase.name(), crm::common::v1::AUDIT_ACTION_CREATE,
            common::DiffFromEmpty(stored->purchase), "", now));
        if (!audited.ok()) return audited;
        v1::CreatePurchaseResponse created;
        *created.mutable_purchase() = std::move(stored->purchase);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreatePurchase", response);
}

absl::Status PurchaseService::UpdatePurchase(const common::CallContext& call,
                                             const v1::UpdatePurchaseRequest& request,
                                             v1::UpdatePurchaseResponse& response) {
  const std::string& name = request.purchase().name();
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParsePurchaseName("purchase.name", name);
  if (!ids.ok()) return ids.status();
  if (absl::Status s = common::ValidateUpdateMask(
          request.update_mask(), *v1::Purchase::descriptor(), PurchaseUpdatablePaths());
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](PurchaseStore& store) -> absl::Status {
    absl::StatusOr<std::optional<StoredPurchase>> stored =
        store.LockPurchase(ids->first, ids->second);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
    const StoredPurchase& current = **stored;
    if (absl::Status s = common::RequireLiveAtVersion(current.purchase.has_delete_time(), name,
                                                      request.purchase().etag(), current.version,
                                                      "purchase.etag");
        !s.ok()) {
      return s;
    }
    v1::Purchase updated = current.purchase;
    if (absl::Status s = common::ApplyUpdateMask(request.purchase(), request.update_mask(),
                                                 PurchaseUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = NormalizePurchase(updated, now); !s.ok()) return s;
    if (absl::Status s =
            CheckPurchaseStatusChange(current.purchase.status(), updated.status(), name);
        !s.ok()) {
      return s;
    }
    std::vector<crm::common::v1::FieldChange> changes =
        common::DiffMessages(current.purchase, updated);
    if (changes.empty()) {
      *response.mutable_purchase() = current.purchase;
      return absl::OkStatus();
    }
    *updated.mutable_update_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredPurchase> result = store.UpdatePurchase(current, updated);
    if (!result.ok()) return result.status();
    absl::Status audited = store.InsertAuditEntry(common::MakeAuditEntry(
        call, name, crm::common::v1::AUDIT_ACTION_UPDATE, std::move(changes), "", now));
    if (!audited.ok()) return audited;
    *response.mutable_purchase() = std::move(result->purchase);
    return absl::OkStatus();
  });
}

absl::Status PurchaseService::SetDeleted(const common::CallContext& call, const std::string& name,
                                         const std::string& etag, bool deleting,
                                         v1::Purchase& result) {
  absl::StatusOr<std::pair<int64_t, int64_t>> ids = ParsePurchaseName("name", name);
  if (!ids.ok()) return ids.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](PurchaseStore& store) -> absl::Status {
    absl::StatusOr<std::optional<StoredPurchase>> stored =
        store.LockPurchase(ids->first, ids->second);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
    const StoredPurchase& current = **stored;
    if (current.purchase.has_delete_time() == deleting) {
      return absl::FailedPreconditionError(
          absl::StrCat(name, deleting ? " is already deleted"
                                      : " is not deleted; only deleted purchases can be restored"));
    }
    if (absl::Status s = common::CheckEtag(etag, current.version, name); !s.ok()) return s;
    if (!deleting) {
      // Restoring under a deleted customer would hide it again at once.
      if (absl::Status s = CheckCustomerLive(store, ids->first); !s.ok()) return s;
    }
    v1::Purchase updated = current.purchase;
    if (deleting) {
      *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    } else {
      updated.clear_delete_time();
    }
    *updated.mutable_update_time() = common::ToProtoTimestamp(now);
    std::vector<crm::common::v1::FieldChange> changes =
        common::DiffMessages(current.purchase, updated);
    absl::StatusOr<StoredPurchase> written = store.UpdatePurchase(current, updated);
    if (!written.ok()) return written.status();
    absl::Status audited = store.InsertAuditEntry(common::MakeAuditEntry(
        call, name,
        deleting ? crm::common::v1::AUDIT_ACTION_DELETE : crm::common::v1::AUDIT_ACTION_UNDELETE,
        std::move(changes), "", now));
    if (!audited.ok()) return audited;
    result = std::move(written->purchase);
    return absl::OkStatus();
  });
}

absl::Status PurchaseService::DeletePurchase(const common::CallContext& call,
                                             const v1::DeletePurchaseRequest& request,
                                             v1::DeletePurchaseResponse& response) {
  return SetDeleted(call, request.name(), request.etag(), true, *response.mutable_purchase());
}

absl::Status PurchaseService::UndeletePurchase(const common::CallContext& call,
                                               const v1::UndeletePurchaseRequest& request,
                                               v1::UndeletePurchaseResponse& response) {
  return SetDeleted(call, request.name(), request.etag(), false, *response.mutable_purchase());
}

absl::Status PurchaseService::ListSupplierDependentCustomers(
    const common::CallContext& call, const v1::ListSupplierDependentCustomersRequest& request,
    v1::ListSupplierDependentCustomersResponse& response) {
  if (request.suppliers().empty() ||
      static_cast<size_t>(request.suppliers_size()) > kMaxDependentSuppliers) {
    return absl::InvalidArgumentError(
        absl::StrFormat("suppliers: must list 1 to %d suppliers, got %d", kMaxDependentSuppliers,
                        request.suppliers_size()));
  }
  DependentQuery query;
  std::set<int64_t> supplier_ids;
  for (int i = 0; i < request.suppliers_size(); ++i) {
    absl::StatusOr<int64_t> id = common::ParseResourceId(absl::StrCat("suppliers[", i, "]"),
                                                         request.suppliers(i), kSuppliers);
    if (!id.ok()) return id.status();
    supplier_ids.insert(*id);
  }
  query.supplier_ids.assign(supplier_ids.begin(), supplier_ids.end());
  query.include_closed = request.include_closed();
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  query.limit = *page_size + 1;
  std::vector<std::string> id_texts;
  for (int64_t id : query.supplier_ids) id_texts.push_back(std::to_string(id));
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListSupplierDependentCustomers", absl::StrJoin(id_texts, ","),
                                    request.include_closed() ? "1" : "0"});
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
  absl::StatusOr<std::vector<DependentRow>> rows = repository_.ListDependents(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (DependentRow& row : *rows) *response.add_dependent_customers() = std::move(row.entry);
  if (more) {
    common::PageCursor next{
        {std::to_string(rows->back().customer_id), std::to_string(rows->back().supplier_id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status PurchaseService::ReplacePurchaseSupplier(
    const common::CallContext& call, const v1::ReplacePurchaseSupplierRequest& request,
    v1::ReplacePurchaseSupplierResponse& response) {
  absl::StatusOr<int64_t> from =
      common::ParseResourceId("from_supplier", request.from_supplier(), kSuppliers);
  if (!from.ok()) return from.status();
  absl::StatusOr<int64_t> to =
      common::ParseResourceId("to_supplier", request.to_supplier(), kSuppliers);
  if (!to.ok()) return to.status();
  if (*from == *to) {
    return absl::InvalidArgumentError(absl::StrCat(
        "to_supplier: must differ from from_supplier (both are ", request.from_supplier(), ")"));
  }
  if (!request.reference().empty()) {
    if (absl::Status s = ValidateResourceReference("reference", request.reference()); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  v1::ReplacePurchaseSupplierRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.PurchaseService/ReplacePurchaseSupplier",
      request.request_id(), common::DeterministicBytes(fingerprint_request),
      [&](PurchaseStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<std::vector<StoredPurchase>> open = store.LockOpenPurchasesOfSupplier(*from);
        if (!open.ok()) return open.status();
        const std::string reason =
            request.reference().empty()
                ? absl::StrCat("supplier ", request.from_supplier(), " replaced by ",
                               request.to_supplier())
                : absl::StrCat("supplier ", request.from_supplier(), " replaced by ",
                               request.to_supplier(), " (", request.reference(), ")");
        std::set<int64_t> customers;
        std::map<int64_t, int64_t> moved_per_customer;
        for (const StoredPurchase& current : *open) {
          v1::Purchase updated = current.purchase;
          updated.set_supplier(request.to_supplier());
          if (updated.original_supplier().empty())
            updated.set_original_supplier(request.from_supplier());
          *updated.mutable_update_time() = common::ToProtoTimestamp(now);
          std::vector<crm::common::v1::FieldChange> changes =
              common::DiffMessages(current.purchase, updated);
          if (absl::Status s = store.UpdatePurchase(current, updated).status(); !s.ok()) return s;
          if (absl::Status s = store.InsertAuditEntry(common::MakeAuditEntry(
                  call, current.purchase.name(), crm::common::v1::AUDIT_ACTION_CONSOLIDATE,
                  std::move(changes), reason, now));
              !s.ok()) {
            return s;
          }
          customers.insert(current.customer_id);
          ++moved_per_customer[current.customer_id];
        }
        v1::ReplacePurchaseSupplierResponse result;
        result.set_repointed_purchase_count(static_cast<int64_t>(open->size()));
        for (int64_t id : customers) {
          result.add_affected_customers(common::FormatResourceName(kCustomers, id));
        }
        if (request.record_interactions() && !customers.empty()) {
          absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> managers =
              store.AccountManagers(std::vector<int64_t>(customers.begin(), customers.end()));
          if (!managers.ok()) return managers.status();
          for (const auto& [customer_id, manager] : *managers) {
            const int64_t count = moved_per_customer[customer_id];
            std::vector<std::string> related = {request.from_supplier(), request.to_supplier()};
            if (!request.reference().empty()) related.push_back(request.reference());
            const std::string subject = absl::StrCat("Supplier changed: ", request.from_supplier(),
                                                     " → ", request.to_supplier());
            const std::string summary = absl::StrCat(
                count, count == 1 ? " open purchase was" : " open purchases were",
                " re-pointed from ", request.from_supplier(), " to ", request.to_supplier(),
                request.reference().empty() ? "" : absl::StrCat(" by ", request.reference()),
                ". Please inform the customer.");
            absl::StatusOr<std::string> interaction = store.InsertSupplierChangeInteraction(
                customer_id, manager, subject, summary, related, now);
            if (!interaction.ok()) return interaction.status();
            v1::Interaction created;
            created.set_channel(v1::INTERACTION_CHANNEL_NOTE);
            created.set_subject(subject);
            created.set_summary(summary);
            *created.mutable_occur_time() = common::ToProtoTimestamp(now);
            created.set_employee(manager);
            for (const std::string& resource : related) created.add_related_resources(resource);
            if (absl::Status s = store.InsertAuditEntry(
                    common::MakeAuditEntry(call, *interaction, crm::common::v1::AUDIT_ACTION_CREATE,
                                           common::DiffFromEmpty(created), reason, now));
                !s.ok()) {
              return s;
            }
            result.add_interactions(*interaction);
          }
        }
        if (absl::Status s =
                store.InsertReplacement(*from, *to, request.request_id(), request.reference(),
                                        result.repointed_purchase_count(), now);
            !s.ok()) {
          return s;
        }
        return result.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "ReplacePurchaseSupplier", response);
}

}  // namespace crm::customer
